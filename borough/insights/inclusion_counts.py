"""The daily counts of digital inclusion (issue 26), for ``services.counts_rebuild``, by the
ward of the resident's home: devices handed over and returned, skills places booked (not
cancelled) and attended (on the session's day), the three-month surveys answered and how many
of those say the resident can now do something online. No channel, service or team."""

from __future__ import annotations

from collections import Counter

from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate

from borough.inclusion.models import Booking, Loan, Survey

from .models import DailyCount, Kpi

WARD = "resident__household__property__ward_id"


def _grouped(queryset, when: str, ward: str, kpi: str) -> list[DailyCount]:
    rows = (
        queryset.annotate(day=TruncDate(when))
        .values("day", ward_id=F(ward))
        .annotate(n=Count("id"))
        .order_by()
    )
    return [
        DailyCount(day=g["day"], kpi=kpi, channel="", ward_id=g["ward_id"], value=g["n"])
        for g in rows
    ]


def inclusion_counts(low, high) -> list[DailyCount]:
    rows = _grouped(
        Loan.objects.filter(handed_over_at__gte=low, handed_over_at__lt=high),
        "handed_over_at",
        WARD,
        Kpi.DEVICES_LENT,
    )
    rows += _grouped(
        Loan.objects.filter(returned_at__gte=low, returned_at__lt=high),
        "returned_at",
        WARD,
        Kpi.DEVICES_RETURNED,
    )
    rows += _grouped(
        Booking.objects.filter(created_at__gte=low, created_at__lt=high, cancelled_at__isnull=True),
        "created_at",
        WARD,
        Kpi.SKILLS_BOOKED,
    )
    rows += _grouped(
        Booking.objects.filter(
            Q(attended=True), session__starts_at__gte=low, session__starts_at__lt=high
        ),
        "session__starts_at",
        WARD,
        Kpi.SKILLS_ATTENDED,
    )
    answered: Counter = Counter()
    doing_more: Counter = Counter()
    surveys = (
        Survey.objects.filter(answered_at__gte=low, answered_at__lt=high)
        .annotate(day=TruncDate("answered_at"))
        .values_list("day", f"loan__{WARD}", "can_do")
    )
    for day, ward_id, can_do in surveys:
        answered[(day, ward_id)] += 1
        if can_do:
            doing_more[(day, ward_id)] += 1
    for kpi, counts in ((Kpi.SURVEYS_ANSWERED, answered), (Kpi.SURVEYS_DOING_MORE, doing_more)):
        rows += [
            DailyCount(day=day, kpi=kpi, channel="", ward_id=ward_id, value=n)
            for (day, ward_id), n in counts.items()
        ]
    return rows
