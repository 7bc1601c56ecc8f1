"""The daily charts of the KPI pages: a column per day drawn as SVG on the server, the same day
a year earlier as dots and the target as a dashed line, each with its figures as a table.

The values come from ``formulas`` (the same functions as the period's figures); this module
only lays them out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from . import formulas
from .display import NO_DATA, Table, cell, label_cell, show_count, show_percent
from .kpis import targets
from .models import Kpi
from .selectors import Totals


def contacts(totals: Totals) -> int | None:
    return formulas.count_of(totals, Kpi.CONTACTS)


def requests_raised(totals: Totals) -> int | None:
    return formulas.count_of(totals, Kpi.CASES_OPENED)


CHART_WIDTH = 640
CHART_HEIGHT = 260
CHART_LEFT = 64
CHART_BOTTOM = 32


@dataclass(frozen=True)
class Bar:
    x: str
    y: str
    width: str
    height: str
    label: str


@dataclass(frozen=True)
class Dot:
    x: str
    y: str
    label: str


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    bars: list[Bar]
    gaps: list[str]  # x positions of days with no data
    y_labels: list[tuple[str, str]]  # (y position, text)
    x_labels: list[tuple[str, str]]
    table: Table
    last_year: Sequence[Dot] = ()  # the same day a year earlier, where it has data
    target_y: str = ""  # where the target line runs, if there is a target
    target_label: str = ""

    @property
    def target_label_y(self) -> str:
        return f"{max(float(self.target_y) - 6, 14):.1f}" if self.target_y else ""

    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT

    @property
    def baseline(self) -> str:
        return f"{self.height - CHART_BOTTOM}"

    @property
    def left(self) -> int:
        return CHART_LEFT


@dataclass(frozen=True)
class Series:
    key: str
    title: str
    value: Callable[[Totals], Decimal | int | None]  # None: no data
    show: Callable[[Any], str]  # takes what ``value`` gives
    percent: bool = False


SERIES = [
    Series("contacts", "Contacts from residents each day", contacts, show_count),
    Series(
        "self_service_share",
        "Self-service share each day",
        formulas.self_service_share,
        show_percent,
        percent=True,
    ),
    Series(
        "completion_rate",
        "Completion rate of online forms each day",
        formulas.completion_rate,
        show_percent,
        percent=True,
    ),
    Series(
        "satisfaction",
        "User satisfaction each day",
        formulas.satisfaction,
        show_percent,
        percent=True,
    ),
    Series("requests_raised", "Requests raised each day", requests_raised, show_count),
]


def _day_label(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def year_earlier(day: dt.date) -> dt.date:
    """The same day a year earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def chart(
    series: Series,
    days: dict[dt.date, Totals],
    start: dt.date,
    end: dt.date,
    *,
    before: dict[dt.date, Totals] | None = None,
    target: Decimal | None = None,
) -> Chart:
    """A column per day; a day with no data has no column and is marked as a gap.

    ``before`` holds the days a year earlier, drawn as dots on the same day; ``target`` is
    drawn as a dashed line across.
    """
    before = before or {}
    count = (end - start).days + 1
    points, earlier = [], []
    for n in range(count):
        day = start + dt.timedelta(days=n)
        totals = days.get(day)
        points.append((day, series.value(totals) if totals is not None else None))
        then = before.get(year_earlier(day))
        earlier.append(series.value(then) if then is not None else None)
    values = [v for _, v in points if v is not None]
    known_earlier = [v for v in earlier if v is not None]
    highest = max([*values, *known_earlier, *([target] if target is not None else [])], default=0)
    top = Decimal(1) if series.percent else Decimal(highest or 1)
    if series.percent and target is not None and target > 1:
        top = Decimal(target)
    plot_w = CHART_WIDTH - CHART_LEFT - 8
    plot_h = CHART_HEIGHT - CHART_BOTTOM - 16
    step = Decimal(plot_w) / count
    bar_w = max(step * Decimal("0.8"), Decimal("0.5"))
    base = CHART_HEIGHT - CHART_BOTTOM
    bars, gaps, dots = [], [], []
    for i, (day, value) in enumerate(points):
        x = CHART_LEFT + step * i + (step - bar_w) / 2
        earlier_value = earlier[i]
        if earlier_value is not None:
            dots.append(
                Dot(
                    x=f"{x + bar_w / 2:.1f}",
                    y=f"{base - Decimal(earlier_value) / top * plot_h:.1f}",
                    label=f"{_day_label(year_earlier(day))}: {series.show(earlier_value)}",
                )
            )
        if value is None:
            gaps.append(f"{x + bar_w / 2:.1f}")
            continue
        h = Decimal(value) / top * plot_h
        bars.append(
            Bar(
                x=f"{x:.1f}",
                y=f"{base - h:.1f}",
                width=f"{bar_w:.1f}",
                height=f"{h:.1f}",
                label=f"{_day_label(day)}: {series.show(value)}",
            )
        )
    top_text = "100%" if series.percent else show_count(int(top))
    y_labels = [
        (f"{base - plot_h:.1f}", top_text),
        (f"{base:.1f}", "0" if not series.percent else "0%"),
    ]
    x_labels = [(f"{CHART_LEFT}", _day_label(start)), (f"{CHART_WIDTH - 8}", _day_label(end))]
    missing = sum(1 for _, v in points if v is None)
    target_text = f" Target: {series.show(target)} (dashed line)." if target is not None else ""
    description = (
        f"{series.title} from {_day_label(start)} to {_day_label(end)}. "
        f"Highest: {series.show(max(values)) if values else NO_DATA}. "
        f"Dots show the same day last year ({len(known_earlier)} days with data).{target_text} "
        f"{missing} of {count} days have no data and are shown as gaps."
    )
    name = series.title.removesuffix(" each day")
    table = Table(
        f"{series.key}-daily",
        series.title,
        ["Day", name, "Same day last year"],
        [
            [
                label_cell(_day_label(day)),
                cell(value, series.show(value)),
                cell(then, series.show(then)),
            ]
            for (day, value), then in zip(points, earlier, strict=True)
        ],
    )
    return Chart(
        id=series.key,
        title=series.title,
        description=description,
        bars=bars,
        gaps=gaps,
        y_labels=y_labels,
        x_labels=x_labels,
        table=table,
        last_year=dots,
        target_y=f"{base - Decimal(target) / top * plot_h:.1f}" if target is not None else "",
        target_label=f"Target {series.show(target)}" if target is not None else "",
    )


def charts(
    days: dict[dt.date, Totals],
    start: dt.date,
    end: dt.date,
    *,
    before: dict[dt.date, Totals] | None = None,
    goal: dict[str, Decimal] | None = None,
) -> list[Chart]:
    goal = targets() if goal is None else goal
    return [
        chart(series, days, start, end, before=before, target=goal.get(series.key))
        for series in SERIES
    ]
