"""Garden waste renews each year through GOV.UK Pay's recurring card payments (issue 20): the
first payment sets up the agreement, the resident is told before each renewal, Pay takes the
renewal from the agreement, and the resident can cancel in MyAccount."""

from __future__ import annotations

import datetime as dt

import pytest
import requests

from borough.cases.errors import NotAllowed
from borough.cases.models import Case, CaseEvent
from borough.core.actors import ResidentActor
from borough.notify.models import Message
from borough.payments import sandbox
from borough.payments.agreements import AgreementNotCancelled, agreement_cancel, next_year
from borough.payments.models import Agreement, Payment, SandboxAgreement, SandboxPayment
from borough.payments.renewals import renewal_notices_send, renewals_take
from tests.factories import ResidentFactory, ResidentUserFactory

from .conftest import fill_form, path_of, pay

pytestmark = pytest.mark.django_db
GARDEN = "subscribe-to-garden-waste"


@pytest.fixture
def subscribed(client, catalogue, gazetteer, no_webhooks):
    """A signed-in resident who paid £130 for two garden waste bins."""
    user = ResidentUserFactory(email="ama@example.com")
    ResidentFactory(first_name="Ama", last_name="Owusu", email="ama@example.com", user=user)
    client.force_login(user)
    check = fill_form(client, catalogue[GARDEN], {"bin_count": {"bin_count": "2"}})
    next_url = client.post(check)["Location"]
    sandboxed = SandboxPayment.objects.get()
    assert sandboxed.request["set_up_agreement"] == Agreement.objects.get().pay_id
    assert (
        "kept so that this payment can be taken again"
        in client.get(path_of(next_url)).content.decode()
    )
    client.get(pay(client, next_url))
    agreement = Agreement.objects.get()
    assert agreement.case == Case.objects.get()
    return agreement


def test_set_up_told_before_each_renewal_and_renewed_once(client, subscribed):
    paid_on = Payment.objects.get().paid_at.date()
    assert (subscribed.state, subscribed.amount_pence) == ("active", 13000)
    assert subscribed.renews_on == next_year(paid_on)
    assert SandboxAgreement.objects.get().status == "active"
    page = client.get("/my-account/").content.decode()
    assert "Your subscriptions" in page and "Renews on" in page and "£130" in page

    renews = subscribed.renews_on
    assert renewal_notices_send(today=renews - dt.timedelta(days=15)) == 0
    assert renewal_notices_send(today=renews - dt.timedelta(days=14)) == 1
    assert renewal_notices_send(today=renews - dt.timedelta(days=13)) == 0  # once
    notice = Message.objects.get(template="case_update")
    assert notice.to == "ama.owusu@example.com" and "£130" in notice.body
    assert "/my-account/#subscriptions" in notice.body and notice.case == subscribed.case

    assert renewals_take(today=renews - dt.timedelta(days=1)) == 0  # not due yet
    assert renewals_take(today=renews) == 1
    assert renewals_take(today=renews) == 0  # a second run takes nothing more
    renewal = Payment.objects.get(renewal=True)
    assert (renewal.state, renewal.amount_pence, renewal.case) == ("success", 13000, None)
    sent = SandboxPayment.objects.get(payment_id=renewal.pay_id).request
    assert sent["authorisation_mode"] == "agreement" and "return_url" not in sent
    subscribed.refresh_from_db()
    assert subscribed.renews_on == next_year(renews)
    assert Case.objects.count() == 1  # a renewal makes no new request
    notes = subscribed.case.events.filter(kind=CaseEvent.Kind.NOTE)
    assert notes.filter(text__contains="Renewed for another year").exists()

    # The next year the card has stopped working at Pay: recorded, and tried again.
    SandboxAgreement.objects.update(status="inactive")
    assert renewals_take(today=subscribed.renews_on) == 0
    subscribed.refresh_from_db()
    assert "did not take the renewal" in subscribed.last_failure
    SandboxAgreement.objects.update(status="active")
    assert renewals_take(today=subscribed.renews_on) == 1
    assert Payment.objects.filter(renewal=True, state="success").count() == 2


def test_the_resident_cancels_in_myaccount_and_nothing_renews(client, subscribed, monkeypatch):
    url = f"/my-account/subscriptions/{subscribed.reference}/cancel/"
    assert "Cancel the subscription" in client.get(url).content.decode()

    def down(self, request, **kwargs):
        raise requests.ConnectionError("down")

    monkeypatch.setattr(sandbox.SandboxAdapter, "send", down)
    response = client.post(url)
    assert response.status_code == 503 and "It has not been cancelled" in response.content.decode()
    monkeypatch.undo()
    response = client.post(url, follow=True)
    assert "subscription is cancelled" in response.content.decode()
    subscribed.refresh_from_db()
    assert subscribed.state == "cancelled"
    assert SandboxAgreement.objects.get().status == "cancelled"
    assert renewals_take(today=subscribed.renews_on) == 0
    assert renewal_notices_send(today=subscribed.renews_on) == 0

    # Nobody else may cancel a subscription.
    other = ResidentUserFactory(email="ben@example.com")
    client.force_login(other)
    url = f"/my-account/subscriptions/{subscribed.reference}/cancel/"
    assert client.post(url).status_code == 404
    with pytest.raises(NotAllowed):
        agreement_cancel(actor=ResidentActor(user=other), agreement=subscribed)
    assert AgreementNotCancelled  # the refusal type the portal shows
