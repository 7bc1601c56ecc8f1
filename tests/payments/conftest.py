"""Helpers for the payment tests: walk a paid service's form to check answers on the portal,
and pay on the embedded sandbox's card page."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.core.cache import cache

from borough.payments import sandbox

BULKY = "book-bulky-waste-collection"


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def fill_form(client, service, answers: dict[str, dict] | None = None) -> str:
    """Answer every question (``answers`` overrides the posted fields of some); returns the
    check answers URL."""
    from tests.portal.test_every_service import CURRENT_FORM, post_data

    cache.clear()
    CURRENT_FORM[0] = service.form
    base = f"/services/{service.slug}/"
    location = client.post(base)["Location"]
    while location.startswith(base + "questions/"):
        question_id = location.split("/")[-2]
        question = service.form.by_id[question_id]
        if question.type in {"address", "location"}:
            client.post(location, {"step": "postcode", "postcode": "UB8 1QA"})
        data = (answers or {}).get(question_id) or post_data(question)
        response = client.post(location, {"step": "answer", **data})
        assert response.status_code == 302, response.content.decode()[-1500:]
        location = response["Location"]
    assert location == base + "check-answers/"
    return location


def pay(client, next_url: str, card: str = sandbox.SUCCESS_CARD, action: str = "pay"):
    """On the sandbox's card page: pay with ``card`` (or cancel); returns the return URL."""
    page = path_of(next_url)
    assert client.get(page).status_code == 200
    response = client.post(page, {"card_number": card, "action": action})
    assert response.status_code == 302, response.content.decode()[-1500:]
    return path_of(response["Location"])


@pytest.fixture
def bulky(catalogue, gazetteer):
    return catalogue[BULKY]


@pytest.fixture
def no_webhooks(settings):
    """The sandbox sends no webhooks: what the return alone does."""
    settings.GOVUK_PAY_SANDBOX_WEBHOOKS = False
