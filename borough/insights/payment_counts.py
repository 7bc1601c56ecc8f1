"""The daily counts of payments (issue 20), for ``services.counts_rebuild``: card payments
taken and their income (by the day Pay took the money, by service and channel; a yearly
renewal has no channel: nobody contacted the council for it), payments that failed (declined,
expired or a provider error: a resident or agent cancelling is not a failure), refunds, and
requests for paid services raised and paid by card (the cashless share)."""

from __future__ import annotations

from django.db.models import Case as Choose
from django.db.models import Count, F, Q, Sum, Value, When
from django.db.models.functions import TruncDate

from borough.cases.models import Case
from borough.payments.models import Payment, PayState, Refund

from .models import DailyCount, Kpi

CANCELLED_CODES = ("P0030", "P0040")


def _channel():
    return Choose(When(renewal=True, then=Value("")), default=F("channel"))


def _row(day, kpi, value, g: dict, prefix: str = "") -> DailyCount:
    return DailyCount(
        day=day,
        kpi=kpi,
        service_id=g[f"{prefix}service_id"],
        channel=g["pay_channel"],
        team_id=g[f"{prefix}service__team_id"],
        ward_id=g[f"{prefix}case__ward_id"],
        value=value,
    )


def payment_counts(low, high) -> list[DailyCount]:
    rows: list[DailyCount] = []
    keys = ("service_id", "service__team_id", "case__ward_id")
    # Taken (by the day it was paid) and failed (by the day it ended) in one query.
    paid = Q(state=PayState.SUCCESS, paid_at__gte=low, paid_at__lt=high)
    failed = Q(
        state__in=(PayState.FAILED, PayState.ERROR), updated_at__gte=low, updated_at__lt=high
    ) & ~Q(failure_code__in=CANCELLED_CODES)
    finished = (
        Payment.objects.filter(paid | failed)
        .annotate(
            day=Choose(
                When(state=PayState.SUCCESS, then=TruncDate("paid_at")),
                default=TruncDate("updated_at"),
            )
        )
        .values("day", *keys, pay_channel=_channel())
        .annotate(
            n=Count("id", filter=Q(state=PayState.SUCCESS)),
            pence=Sum("amount_pence", filter=Q(state=PayState.SUCCESS)),
            failures=Count("id", filter=~Q(state=PayState.SUCCESS)),
        )
        .order_by()
    )
    for g in finished:
        for kpi, value in (
            (Kpi.PAYMENTS_TAKEN, g["n"]),
            (Kpi.INCOME_PENCE, g["pence"]),
            (Kpi.PAYMENTS_FAILED, g["failures"]),
        ):
            if value:
                rows.append(_row(g["day"], kpi, value, g))
    refunds = (
        Refund.objects.filter(created_at__gte=low, created_at__lt=high)
        .annotate(day=TruncDate("created_at"))
        .values(
            "day",
            *(f"payment__{key}" for key in keys),
            pay_channel=Choose(
                When(payment__renewal=True, then=Value("")), default=F("payment__channel")
            ),
        )
        .annotate(n=Count("id"), pence=Sum("amount_pence"))
        .order_by()
    )
    for g in refunds:
        rows.append(_row(g["day"], Kpi.REFUNDS, g["n"], g, "payment__"))
        rows.append(_row(g["day"], Kpi.REFUND_PENCE, g["pence"], g, "payment__"))
    payable = (
        Case.objects.filter(
            created_at__gte=low, created_at__lt=high, service__fee_pence__isnull=False
        )
        .annotate(day=TruncDate("created_at"))
        .values("day", "service_id", "team_id", "ward_id", pay_channel=F("channel"))
        .annotate(n=Count("id"), by_card=Count("id", filter=Q(payment__state=PayState.SUCCESS)))
        .order_by()
    )
    for g in payable:
        for kpi, value in (
            (Kpi.PAYABLE_CASES_OPENED, g["n"]),
            (Kpi.CASES_PAID_BY_CARD, g["by_card"]),
        ):
            if value:
                rows.append(
                    DailyCount(
                        day=g["day"],
                        kpi=kpi,
                        service_id=g["service_id"],
                        channel=g["pay_channel"],
                        team_id=g["team_id"],
                        ward_id=g["ward_id"],
                        value=value,
                    )
                )
    return rows
