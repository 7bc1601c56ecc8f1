"""An agent takes a caller's card payment in assisted digital (issue 20, staff point 1): MOTO on
GOV.UK Pay's own page; the case is made only once the payment succeeded, as online."""

from __future__ import annotations

import pytest
import requests
from django.core.cache import cache

from borough.cases.models import Case
from borough.core.channels import Channel
from borough.core.models import AuditEvent
from borough.payments import sandbox
from borough.payments.models import Payment, SandboxPayment
from tests.factories import ResidentFactory
from tests.portal.test_every_service import CURRENT_FORM, post_data

from .conftest import path_of, pay

pytestmark = pytest.mark.django_db


def assisted_check(client, resident, service, answers=None) -> str:
    """Go through ``service``'s questions in the hub for ``resident``; the check page URL."""
    cache.clear()
    CURRENT_FORM[0] = service.form
    response = client.post(
        f"/hub/residents/{resident.pk}/requests/new/", {"service": service.slug, "channel": "phone"}
    )
    location = response["Location"]
    while not location.endswith("/check/"):
        question = service.form.by_id[location.rstrip("/").split("/")[-1]]
        if question.type in {"address", "location"}:
            client.post(location, {"step": "postcode", "postcode": "UB8 1QA"})
        data = (answers or {}).get(question.id) or post_data(question)
        response = client.post(location, {"step": "answer", **data})
        assert response.status_code == 302, response.content.decode()[-1500:]
        location = response["Location"]
    return location


@pytest.fixture
def caller(gazetteer):
    return ResidentFactory(first_name="Kofi", last_name="Mensah", email="kofi@example.com")


@pytest.fixture
def at_check(client, agent, staff_login, bulky, caller, no_webhooks):
    staff_login(client, agent)
    return assisted_check(client, caller, bulky, {"item_count": {"item_count": "2"}})


def test_an_agent_takes_a_card_payment_and_only_then_is_the_case_made(
    client, agent, caller, at_check
):
    page = client.get(at_check).content.decode()
    assert "£20" in page and "Take the payment of £20" in page
    response = client.post(at_check, {"minutes": "4"})
    assert response.status_code == 302 and "/sandbox/pay/card/" in response["Location"]
    assert not Case.objects.exists()  # nothing is made before the money is taken
    payment = Payment.objects.get()
    assert (payment.moto, payment.taken_by, payment.channel) == (True, agent, Channel.PHONE)
    sandboxed = SandboxPayment.objects.get()
    assert sandboxed.request["moto"] is True and "return_url" in sandboxed.request
    assert (
        "Telephone or mail order payment"
        in client.get(path_of(response["Location"])).content.decode()
    )

    # A double click on "Take the payment" reuses the same attempt: one payment at Pay.
    assert client.post(at_check, {"minutes": "4"})["Location"] == response["Location"]
    assert SandboxPayment.objects.count() == 1

    # Declined first: no case, the answers kept, the agent told what to say.
    back = pay(client, response["Location"], card="4000000000000002")
    assert back.startswith("/hub/requests/")
    declined = client.get(back).content.decode()
    assert "The card was declined" in declined and not Case.objects.exists()

    # Then again with a good card: a new attempt, paid, and the case made by the agent.
    again = client.post(at_check, {"minutes": "4"})
    assert again["Location"] != response["Location"]
    landed = client.get(pay(client, again["Location"]))
    case = Case.objects.get()
    assert landed["Location"] == f"/hub/cases/{case.reference}/"
    assert (case.channel, case.resident, case.assisted_by) == (Channel.PHONE, caller, agent)
    paid = Payment.objects.get(case=case)
    assert paid.state == "success" and paid.amount_pence == 2000
    assert case.contacts.get().duration_seconds == 240
    assert AuditEvent.objects.filter(object_type="payment", action="started", actor=agent).exists()
    # A late second click on the check page shows the case; nothing is charged again.
    assert client.post(at_check)["Location"] == f"/hub/cases/{case.reference}/"
    assert SandboxPayment.objects.filter(state="success").count() == 1


def test_pay_down_or_busy_during_moto_loses_nothing(client, at_check, monkeypatch):
    for status, says in (
        (503, "GOV.UK Pay is not answering"),
        (429, "GOV.UK Pay is busy"),
        (None, "not answering"),
    ):

        def refuse(self, request, status=status, **kwargs):
            if status is None:
                raise requests.ConnectionError("down")
            response = requests.Response()
            response.status_code, response._content = status, b'{"code": "P0999"}'
            return response

        monkeypatch.setattr(sandbox.SandboxAdapter, "send", refuse)
        response = client.post(at_check, {"minutes": ""})
        page = response.content.decode()
        assert response.status_code == 200 and says in page and "the answers are kept" in page
        assert not Case.objects.exists()
        monkeypatch.undo()
    # Pay is back: the same answers are still there to pay for.
    assert "/sandbox/pay/card/" in client.post(at_check)["Location"]


def test_someone_elses_payment_return_is_not_found(client, at_check, admin, staff_login):
    client.post(at_check)
    payment = Payment.objects.get()
    staff_login(client, admin)
    url = f"/hub/requests/{payment.form_token}/payment/{payment.token}/"
    assert client.get(url).status_code == 404
