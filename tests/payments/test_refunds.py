"""Officers give refunds from the case page (issue 20): full or partial, with a reason, only
team leads of the case's team and admins; Pay's refund_amount_available keeps two refunds from
giving the same money back."""

from __future__ import annotations

import pytest
from django.test import Client

from borough.accounts.models import Role, Team
from borough.cases.errors import NotAllowed, TransitionRefused
from borough.cases.models import CaseEvent
from borough.core.actors import StaffActor
from borough.core.models import AuditEvent
from borough.payments.models import Payment, Refund, SandboxPayment
from borough.payments.refunds import payment_refund
from tests.factories import StaffFactory

from .conftest import fill_form, pay

pytestmark = pytest.mark.django_db


def _staff(email, team_slug, role):
    return StaffFactory(
        email=email, membership__team=Team.objects.get(slug=team_slug), membership__role=role
    )


@pytest.fixture
def paid(client, bulky, no_webhooks):
    """A bulky waste booking paid £30 (3 items) on the sandbox."""
    check = fill_form(client, bulky, {"item_count": {"item_count": "3"}})
    client.get(pay(client, client.post(check)["Location"]))
    payment = Payment.objects.get()
    assert payment.case is not None and payment.amount_pence == 3000
    return payment


@pytest.fixture
def waste_lead(catalogue):
    return _staff("waste.lead@council.example", "waste", Role.TEAM_LEAD)


def test_a_team_lead_refunds_half_from_the_case_page(paid, waste_lead, staff_login):
    browser = Client()
    staff_login(browser, waste_lead)
    url = f"/hub/cases/{paid.case.reference}/"
    page = browser.get(url).content.decode()
    assert "Give a refund" in page and "£30" in page
    response = browser.post(
        url + "refund/",
        {"version": paid.case.version, "refund_amount": "15.00", "refund_reason": "Only 1 item"},
    )
    assert response.status_code == 302
    refund = Refund.objects.get()
    assert (refund.amount_pence, refund.reason, refund.refunded_by) == (
        1500,
        "Only 1 item",
        waste_lead,
    )
    sandboxed = SandboxPayment.objects.get()
    assert [r["amount"] for r in sandboxed.refunds] == [1500]
    note = CaseEvent.objects.get(case=paid.case, kind=CaseEvent.Kind.NOTE)
    assert "Refunded £15 of £30" in note.text and not note.is_public
    assert AuditEvent.objects.filter(object_type="case", actor=waste_lead).exists()
    page = browser.get(url).content.decode()
    assert "Only 1 item" in page and "Up to £15" in page


@pytest.mark.parametrize(
    ("amount", "reason", "says"),
    [
        ("", "x", "Enter the amount to refund"),
        ("-5", "x", "Enter the amount in pounds and pence"),
        ("1.234", "x", "Enter the amount in pounds and pence"),
        ("0", "x", "Enter an amount more than £0"),
        ("30.01", "x", "Enter an amount from £0.01 to £30"),
        ("10", "  ", "Enter why you are giving a refund"),
    ],
)
def test_a_bad_refund_is_refused_and_nothing_is_refunded(
    paid, waste_lead, staff_login, amount, reason, says
):
    browser = Client()
    staff_login(browser, waste_lead)
    response = browser.post(
        f"/hub/cases/{paid.case.reference}/refund/",
        {"version": paid.case.version, "refund_amount": amount, "refund_reason": reason},
    )
    assert response.status_code == 200 and says in response.content.decode()
    assert not Refund.objects.exists() and SandboxPayment.objects.get().refunds == []


def test_an_officer_or_agent_may_not_refund(paid, catalogue, staff_login):
    officer = _staff("waste.officer@council.example", "waste", Role.OFFICER)
    agent = _staff("agent@council.example", "customer-experience", Role.AGENT)
    other_lead = _staff("parking.lead@council.example", "parking", Role.TEAM_LEAD)
    for person in (officer, agent, other_lead):
        with pytest.raises(NotAllowed):
            payment_refund(actor=StaffActor(person), payment=paid, amount_pence=100, reason="x")
    browser = Client()
    staff_login(browser, officer)
    assert "Give a refund" not in browser.get(f"/hub/cases/{paid.case.reference}/").content.decode()
    forbidden = browser.post(
        f"/hub/cases/{paid.case.reference}/refund/",
        {"version": paid.case.version, "refund_amount": "1", "refund_reason": "x"},
    )
    assert forbidden.status_code == 403
    assert not Refund.objects.exists()


def test_the_rest_can_be_refunded_but_no_more(paid, waste_lead):
    actor = StaffActor(waste_lead)
    payment_refund(actor=actor, payment=paid, amount_pence=1000, reason="Part")
    payment_refund(actor=actor, payment=paid, amount_pence=2000, reason="The rest")
    with pytest.raises(TransitionRefused, match="nothing left to refund"):
        payment_refund(actor=actor, payment=paid, amount_pence=1, reason="Again")
    paid.refresh_from_db()
    assert paid.refunded_pence == 3000 and Refund.objects.count() == 2


def test_pay_down_during_a_refund_refunds_nothing(paid, waste_lead, monkeypatch):
    import requests

    from borough.payments import refunds
    from borough.payments.client import PayClient

    from .test_contract import Canned

    session = requests.Session()
    session.mount("https://pay.test", Canned(503, None))
    monkeypatch.setattr(
        refunds, "pay_client", lambda: PayClient("https://pay.test", "k", session=session)
    )
    with pytest.raises(TransitionRefused, match="did not answer"):
        payment_refund(actor=StaffActor(waste_lead), payment=paid, amount_pence=100, reason="x")
    assert not Refund.objects.exists()


def test_the_resident_sees_what_they_paid_and_got_back(client, paid, waste_lead):
    from borough.cases.tracking import case_follow_path

    payment_refund(actor=StaffActor(waste_lead), payment=paid, amount_pence=1500, reason="x")
    page = client.get(case_follow_path(paid.case, user_id=None)).content.decode()
    assert "You paid £30 by card on" in page and "We refunded £15 on" in page
