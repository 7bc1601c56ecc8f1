"""Reading the count tables. Every function here is one query, whatever the range or data."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Sum
from django.db.models.functions import TruncMonth

from .models import CountedDay, DailyCount


@dataclass
class Totals:
    """Sums of the daily counts over a period, kept by KPI and channel."""

    by_channel: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))

    def add(self, kpi: str, channel: str, value: int) -> None:
        self.by_channel[kpi][channel] = self.by_channel[kpi].get(channel, 0) + value

    def has(self, kpi: str) -> bool:
        return kpi in self.by_channel

    def total(self, kpi: str, channels=None) -> int:
        values = self.by_channel.get(kpi, {})
        return sum(v for ch, v in values.items() if channels is None or ch in channels)

    def channels(self, kpi: str) -> dict[str, int]:
        return dict(self.by_channel.get(kpi, {}))


def _counts(start: dt.date, end: dt.date, *, service_id=None, channel=None, ward_id=None):
    rows = DailyCount.objects.filter(day__gte=start, day__lte=end)
    if ward_id is not None:
        rows = rows.filter(ward_id=ward_id)
    if service_id is not None:
        rows = rows.filter(service_id=service_id)
    if channel is not None:
        rows = rows.filter(channel=channel)
    return rows


def period_totals(
    start: dt.date, end: dt.date, *, service_id=None, channel=None, ward_id=None
) -> Totals:
    """Every KPI's total from ``start`` to ``end``, by channel."""
    totals = Totals()
    rows = (
        _counts(start, end, service_id=service_id, channel=channel, ward_id=ward_id)
        .values("kpi", "channel")
        .annotate(value=Sum("value"))
        .order_by()
    )
    for row in rows:
        totals.add(row["kpi"], row["channel"], row["value"])
    return totals


def daily_totals(
    start: dt.date, end: dt.date, *, service_id=None, channel=None, ward_id=None
) -> dict[dt.date, Totals]:
    """Each day's totals by KPI and channel; a day without any count is absent."""
    days: dict[dt.date, Totals] = defaultdict(Totals)
    rows = (
        _counts(start, end, service_id=service_id, channel=channel, ward_id=ward_id)
        .values("day", "kpi", "channel")
        .annotate(value=Sum("value"))
        .order_by()
    )
    for row in rows:
        days[row["day"]].add(row["kpi"], row["channel"], row["value"])
    return dict(days)


def add_up(parts) -> Totals:
    """One ``Totals`` of several (days or months), without another query."""
    total = Totals()
    for part in parts:
        for kpi, by_channel in part.by_channel.items():
            for channel, value in by_channel.items():
                total.add(kpi, channel, value)
    return total


@dataclass(frozen=True)
class ServiceTotals:
    slug: str
    name: str
    totals: Totals


def service_totals(
    start: dt.date, end: dt.date, *, channel=None, ward_id=None
) -> list[ServiceTotals]:
    """Totals for each service with any count in the period, by service name."""
    found: dict[str, ServiceTotals] = {}
    rows = (
        _counts(start, end, channel=channel, ward_id=ward_id)
        .filter(service__isnull=False)
        .values("service__slug", "service__name", "kpi", "channel")
        .annotate(value=Sum("value"))
        .order_by()
    )
    for row in rows:
        slug = row["service__slug"]
        if slug not in found:
            found[slug] = ServiceTotals(slug, row["service__name"], Totals())
        found[slug].totals.add(row["kpi"], row["channel"], row["value"])
    return sorted(found.values(), key=lambda s: s.name)


def ward_totals(start: dt.date, end: dt.date, kpis, *, ward_id=None) -> dict[str, dict[str, int]]:
    """For each ward (by name; "Unknown" without one), the period's total of each of ``kpis``."""
    found: dict[str, dict[str, int]] = defaultdict(dict)
    rows = (
        _counts(start, end, ward_id=ward_id)
        .filter(kpi__in=list(kpis))
        .values("ward__name", "kpi")
        .annotate(value=Sum("value"))
        .order_by()
    )
    for row in rows:
        found[row["ward__name"] or "Unknown"][row["kpi"]] = row["value"]
    return dict(found)


def monthly_totals(start: dt.date, end: dt.date) -> dict[dt.date, Totals]:
    """Totals for each calendar month with any count between ``start`` and ``end``."""
    months: dict[dt.date, Totals] = defaultdict(Totals)
    rows = (
        DailyCount.objects.filter(day__gte=start, day__lte=end)
        .annotate(month=TruncMonth("day"))
        .values("month", "kpi", "channel")
        .annotate(value=Sum("value"))
        .order_by()
    )
    for row in rows:
        month = row["month"]
        if isinstance(month, dt.datetime):
            month = month.date()
        months[month].add(row["kpi"], row["channel"], row["value"])
    return dict(months)


def days_not_counted(start: dt.date, end: dt.date) -> int:
    """How many days of the range have never been counted (or are still to come)."""
    counted = CountedDay.objects.filter(day__gte=start, day__lte=end).count()
    return (end - start).days + 1 - counted


def last_counted_at() -> dt.datetime | None:
    return CountedDay.objects.order_by("-counted_at").values_list("counted_at", flat=True).first()


@dataclass(frozen=True)
class WeeklyRow:
    name: str
    weeks: list[int]

    @property
    def total(self) -> int:
        return sum(self.weeks)


def ward_weekly_requests(ward_id: int, *, weeks: int, today: dt.date) -> list[WeeklyRow]:
    """Requests raised in a ward by service in each of the last ``weeks`` weeks (the last
    ending ``today``), busiest first: for councillors' ward pages (issue 26). Counts only, one
    query, from the count table."""
    start = today - dt.timedelta(days=7 * weeks - 1)
    rows = (
        _counts(start, today, ward_id=ward_id)
        .filter(kpi="cases_opened", service__isnull=False)
        .values("service__name", "day")
        .annotate(value=Sum("value"))
        .order_by()
    )
    found: dict[str, list[int]] = {}
    for row in rows:
        counts = found.setdefault(row["service__name"], [0] * weeks)
        counts[(row["day"] - start).days // 7] += row["value"]
    return sorted(
        (WeeklyRow(name, counts) for name, counts in found.items()),
        key=lambda r: (-r.total, r.name),
    )
