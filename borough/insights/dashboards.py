"""What the KPI pages show, read only from the count tables (a fixed number of queries)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from . import charts, formulas, kpis, selectors
from .charts import Chart, year_earlier
from .display import Table
from .formulas import Figures
from .models import Kpi

DEFAULT_DAYS = 28
LONGEST_RANGE_DAYS = 366


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The last 28 whole days, ending yesterday."""
    today = today or timezone.localdate()
    end = today - dt.timedelta(days=1)
    return end - dt.timedelta(days=DEFAULT_DAYS - 1), end


class PeriodInvalid(Exception):
    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def _parse(value: str, field_id: str, name: str, errors: dict[str, str]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        errors[field_id] = f"{name} must be a real date, like 2026-01-31"
        return None


def period_from(params) -> tuple[dt.date, dt.date]:
    """The period asked for in ``params`` (``from`` and ``to``), or the default one."""
    default_start, default_end = default_period()
    raw_start, raw_end = params.get("from", ""), params.get("to", "")
    if not raw_start.strip() and not raw_end.strip():
        return default_start, default_end
    errors: dict[str, str] = {}
    start = _parse(raw_start, "period-from", "The first day", errors) if raw_start.strip() else None
    end = _parse(raw_end, "period-to", "The last day", errors) if raw_end.strip() else None
    if not raw_start.strip():
        errors["period-from"] = "Enter the first day"
    if not raw_end.strip():
        errors["period-to"] = "Enter the last day"
    if start and end:
        if end < start:
            errors["period-to"] = "The last day must be the same as or after the first day"
        elif (end - start).days + 1 > LONGEST_RANGE_DAYS:
            errors["period-to"] = f"Choose a period of {LONGEST_RANGE_DAYS} days or fewer"
    if errors:
        raise PeriodInvalid(errors)
    assert start is not None and end is not None  # a day not given is an error above
    return start, end


@dataclass(frozen=True)
class Dashboard:
    start: dt.date
    end: dt.date
    last_year_start: dt.date
    last_year_end: dt.date
    figures: Figures
    tables: list[Table]
    charts: list[Chart]
    days_not_counted: int
    counted_at: dt.datetime | None

    def table(self, table_id: str) -> Table | None:
        every = self.tables + [c.table for c in self.charts]
        return next((t for t in every if t.id == table_id), None)


def dashboard(
    start: dt.date,
    end: dt.date,
    *,
    service_id: int | None = None,
    channel: str | None = None,
    ward_id: int | None = None,
    service_link=None,
    channel_link=None,
) -> Dashboard:
    """Every KPI for a period against the same days a year earlier, with charts and tables.

    Six queries whatever the period or the amount of data.
    """
    before_start, before_end = year_earlier(start), year_earlier(end)
    # The period's totals are the sum of its days: one query each for now and a year earlier.
    days = selectors.daily_totals(
        start, end, service_id=service_id, channel=channel, ward_id=ward_id
    )
    days_before = selectors.daily_totals(
        before_start, before_end, service_id=service_id, channel=channel, ward_id=ward_id
    )
    totals = selectors.add_up(days.values())
    before = selectors.add_up(days_before.values())
    costs = formulas.contact_costs()
    goal = kpis.targets()
    length = (end - start).days + 1
    now = formulas.figures(totals, costs, days=length)
    then = formulas.figures(before, costs, days=(before_end - before_start).days + 1)
    tables = [
        kpis.comparison_table(now, then, caption="Every measure", goal=goal),
        kpis.satisfaction_table(now, then),
    ]
    if channel is None:
        tables.append(kpis.channel_table(totals, costs, link=channel_link or (lambda c: "")))
    by_service = (
        selectors.service_totals(start, end, channel=channel, ward_id=ward_id)
        if service_id is None
        else []
    )
    if service_id is None:
        tables.append(kpis.service_table(by_service, link=service_link or (lambda s: "")))
    if totals.has(Kpi.PAYMENTS_TAKEN) or totals.has(Kpi.PAYMENTS_FAILED):
        tables.append(kpis.income_table(totals, by_service))
    if (
        service_id is None
        and channel is None
        and any(totals.has(kpi) for kpi, _ in kpis.INCLUSION_KPIS)
    ):
        by_ward = selectors.ward_totals(
            start, end, [kpi for kpi, _ in kpis.INCLUSION_KPIS], ward_id=ward_id
        )
        tables.append(kpis.inclusion_table(by_ward))
    return Dashboard(
        start=start,
        end=end,
        last_year_start=before_start,
        last_year_end=before_end,
        figures=now,
        tables=tables,
        charts=charts.charts(days, start, end, before=days_before, goal=goal),
        days_not_counted=selectors.days_not_counted(start, end),
        counted_at=selectors.last_counted_at(),
    )


@dataclass(frozen=True)
class MonthRow:
    month: dt.date
    figures: Figures


@dataclass(frozen=True)
class Performance:
    start: dt.date
    end: dt.date
    figures: Figures
    months: list[MonthRow]


def performance(today: dt.date | None = None) -> Performance:
    """The headline KPIs for the 12 whole months to the end of last month, and each month."""
    today = today or timezone.localdate()
    end = today.replace(day=1) - dt.timedelta(days=1)
    start = year_earlier(end + dt.timedelta(days=1))
    months = selectors.monthly_totals(start, end)
    costs = formulas.contact_costs()
    total = selectors.add_up(months.values())
    return Performance(
        start=start,
        end=end,
        figures=formulas.figures(total, costs, days=(end - start).days + 1),
        months=[
            MonthRow(month, formulas.figures(months[month], costs, days=_days_in_month(month)))
            for month in sorted(months, reverse=True)
        ],
    )


def _days_in_month(month: dt.date) -> int:
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return (following - month).days
