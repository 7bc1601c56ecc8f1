"""The daily reconciliation of Borough's payments against GOV.UK Pay's (issue 20): a hub page
and a CSV for finance, listing whatever does not match; nobody else may read it."""

from __future__ import annotations

import csv
import io

import pytest
import requests
from django.test import Client
from django.utils import timezone

from borough.accounts.models import Role, Team
from borough.core.models import AuditEvent
from borough.payments import sandbox
from borough.payments.client import NewPayment, pay_client
from borough.payments.models import Payment, SandboxPayment
from borough.payments.reconcile import reconcile_day
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db
URL = "/hub/payments/reconciliation/"


def _paid(bulky, n: int) -> Payment:
    """A payment of £10 times ``n`` made through the client and paid on the sandbox."""
    payment = Payment.objects.create(
        service=bulky,
        form_token=f"form-{n}",
        amount_pence=1000 * n,
        reference=f"PAY-{n}",
        description="Book a bulky waste collection",
    )
    made = pay_client().create_payment(
        NewPayment(
            amount=payment.amount_pence,
            reference=payment.reference,
            description=payment.description,
            return_url="https://council.example/return/",
        ),
        idempotency_key=str(payment.idempotency_key),
    )
    sandbox.pay_with_card(
        SandboxPayment.objects.get(payment_id=made.payment_id), sandbox.SUCCESS_CARD
    )
    Payment.objects.filter(pk=payment.pk).update(pay_id=made.payment_id, state="success")
    payment.refresh_from_db()
    return payment


@pytest.fixture
def day_of_payments(catalogue, no_webhooks):
    """Three paid bookings, then the records made to disagree in every way there is."""
    bulky = catalogue["book-bulky-waste-collection"]
    one, two, three = (_paid(bulky, n) for n in (1, 2, 3))
    Payment.objects.filter(pk=one.pk).update(state="failed")  # Borough missed the success
    SandboxPayment.objects.filter(payment_id=two.pay_id).update(
        refunds=[{"refund_id": "r" * 26, "amount": 500, "status": "success"}]
    )  # refunded at Pay, not through Borough
    # A payment at Pay Borough has no record of (made with the council's key elsewhere).
    sandbox.handle(
        "POST",
        "/v1/payments",
        {"Authorization": "Bearer k"},
        b'{"amount": 999, "reference": "ELSEWHERE", "description": "d", '
        b'"return_url": "https://x.test/"}',
    )
    return one, two, three


def _finance(role=Role.OFFICER):
    team, _ = Team.objects.get_or_create(slug="finance", defaults={"name": "Finance"})
    return StaffFactory(email="fin@council.example", membership__team=team, membership__role=role)


def test_everything_that_does_not_match_is_listed(day_of_payments):
    one, two, three = day_of_payments
    result = reconcile_day(timezone.localdate())
    by_result = {line.result: line for line in result.problems}
    assert set(by_result) == {"status", "refunds", "not_in_borough"}
    assert by_result["status"].reference == one.reference
    assert (by_result["status"].borough_state, by_result["status"].pay_state) == (
        "failed",
        "success",
    )
    assert (by_result["refunds"].borough_refunded, by_result["refunds"].pay_refunded) == (0, 500)
    assert by_result["not_in_borough"].reference == "ELSEWHERE"
    assert result.matched == 1
    assert result.pay_taken == 1000 + 2000 + 3000 and result.borough_taken == 5000


def test_a_changed_amount_and_a_payment_pay_does_not_list(day_of_payments):
    one, two, three = day_of_payments
    Payment.objects.filter(pk=three.pk).update(amount_pence=3100)
    Payment.objects.filter(pk=two.pk).update(pay_id="z" * 26)
    results = {line.result for line in reconcile_day(timezone.localdate()).problems}
    assert {"amount", "not_at_pay"} <= results


def test_finance_reads_the_page_and_the_csv(day_of_payments, staff_login):
    browser = Client()
    staff_login(browser, _finance())
    page = browser.get(URL + f"?day={timezone.localdate():%Y-%m-%d}").content.decode()
    assert "Statuses differ" in page and "In GOV.UK Pay, not in Borough" in page
    assert "Refunds differ" in page and "£60" in page  # what Pay took
    response = browser.get(f"/hub/payments/reconciliation.csv?day={timezone.localdate():%Y-%m-%d}")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 4 and {r["result"] for r in rows} >= {"matched", "status"}
    assert AuditEvent.objects.filter(object_type="payments", action="exported").exists()
    assert "Enter the day as a date" in browser.get(URL + "?day=yesterdayish").content.decode()


def test_pay_down_says_so_and_changes_nothing(day_of_payments, staff_login, monkeypatch):
    browser = Client()
    staff_login(browser, _finance(Role.TEAM_LEAD))

    def down(self, request, **kwargs):
        raise requests.ConnectionError("down")

    monkeypatch.setattr(sandbox.SandboxAdapter, "send", down)
    response = browser.get(URL)
    assert (
        response.status_code == 503 and "GOV.UK Pay is not answering" in response.content.decode()
    )


@pytest.mark.parametrize("who", ["agent", "waste_officer"])
def test_nobody_outside_finance_may_read_it(request, who, staff_login, catalogue):
    if who == "waste_officer":
        user = StaffFactory(
            email="w@council.example",
            membership__team=Team.objects.get(slug="waste"),
            membership__role=Role.TEAM_LEAD,
        )
    else:
        user = request.getfixturevalue("agent")
    browser = Client()
    staff_login(browser, user)
    assert browser.get(URL).status_code == 403
    assert browser.get("/hub/payments/reconciliation.csv").status_code == 403
    assert "Payments</a>" not in browser.get("/hub/").content.decode()
