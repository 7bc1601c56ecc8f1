"""Help pages: every common question the assistant answers has a page residents can read."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import translation

from borough.assistant.nlu.content import faqs


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    translation.activate(settings.LANGUAGE_CODE)


def test_help_lists_every_question_with_a_link(client):
    response = client.get("/help/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Help and common questions" in page
    for faq in faqs():
        assert f'href="/help/{faq.key}/"' in page
        assert faq.title in page


def test_a_help_page_shows_the_whole_answer(client):
    faq = next(f for f in faqs() if f.key == "council-tax-bands")
    response = client.get("/help/council-tax-bands/")
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<h1 class="govuk-heading-l">{faq.title}</h1>' in page
    for paragraph in faq.answer:
        assert paragraph.replace("'", "&#x27;") in page


def test_an_unknown_help_page_is_not_found(client):
    assert client.get("/help/no-such-question/").status_code == 404


def test_help_in_polish_marks_the_english_answer(client):
    response = client.get("/help/libraries/", HTTP_COOKIE=f"{settings.LANGUAGE_COOKIE_NAME}=pl")
    page = response.content.decode()
    assert "Pomoc i częste pytania" in page
    assert 'lang="en"' in page
