"""Payments in the KPIs (issue 20): income by service and channel, the cashless share,
refunds and the failed-payment rate, from the daily count tables like every other KPI."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from borough.cases.models import Case
from borough.insights.dashboards import dashboard
from borough.insights.services import counts_rebuild
from borough.payments.models import Payment, Refund

pytestmark = pytest.mark.django_db


def _payment(service, n, *, state="success", channel="web", code="", renewal=False, case=None):
    return Payment.objects.create(
        service=service,
        form_token=f"t{n}",
        amount_pence=2000 * n,
        reference=f"PAY-{n}",
        description="d",
        pay_id=f"p{n}",
        state=state,
        failure_code=code,
        channel=channel,
        renewal=renewal,
        case=case,
        paid_at=timezone.now() if state == "success" else None,
    )


def test_income_cashless_share_refunds_and_failures_are_counted(catalogue):
    bulky = catalogue["book-bulky-waste-collection"]
    garden = catalogue["subscribe-to-garden-waste"]
    now = timezone.now()

    def case(reference, channel):
        return Case.objects.create(
            reference=reference,
            service=bulky,
            team=bulky.team,
            channel=channel,
            due_date=now.date(),
            created_at=now,
            updated_at=now,
        )

    one = _payment(bulky, 1, case=case("BW-1", "web"))  # £20, web, paid: cashless
    case("BW-2", "letter")  # a paid service's request raised without a card payment
    _payment(bulky, 2, channel="phone")  # £40 taken by an agent
    _payment(garden, 3, renewal=True)  # £60, a renewal: no channel
    _payment(bulky, 4, state="failed", code="P0010")  # declined: a failure
    _payment(bulky, 5, state="failed", code="P0030")  # the payer cancelled: not a failure
    Refund.objects.create(
        payment=one, amount_pence=1000, reason="r", pay_refund_id="x", status="success"
    )
    today = timezone.localdate()
    counts_rebuild(start=today, end=today)
    board = dashboard(today, today)
    f = board.figures
    assert f.payments_taken == 3 and f.income == Decimal("120")
    assert f.refunds == Decimal("10")
    assert f.failed_payment_rate == Decimal(1) / 4
    income = board.table("income")
    rows = {row[0].text: [c.text for c in row[1:]] for row in income.rows}
    assert rows["Web"][:2] == ["1", "£20.00"] and rows["Phone"][:2] == ["1", "£40.00"]
    assert rows["Yearly renewals (no contact)"][:2] == ["1", "£60.00"]
    assert rows["Web"][3] == "£10.00"  # refunds
    assert rows[bulky.name][0] == "2"
    assert f.cashless_share == Decimal(1) / 2
    kpis = {row[0].text: row[1].text for row in board.tables[0].rows}
    assert kpis["Cashless share of paid requests"] == "50.0%"
    assert kpis["Failed-payment rate"] == "25.0%" and kpis["Income taken by card"] == "£120.00"
