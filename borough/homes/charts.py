"""A home's readings as line charts drawn on the server (SVG), each with its figures as a table,
like the KPI charts in ``insights``: the chart for sighted readers, the table for everyone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import SimpleNamespace

from django.utils import timezone

from .models import HourlyReading

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 640, 220, 48, 8, 12, 28


@dataclass(frozen=True)
class LineChart:
    id: str
    title: str
    unit: str
    points: str  # SVG polyline points
    threshold_y: str | None
    threshold_label: str
    y_labels: list[tuple[str, str]]
    x_labels: list[tuple[str, str]]
    description: str


@dataclass(frozen=True)
class Row:
    when: str
    temperature: str
    humidity: str
    co2: str


def _day_rows(rows: list[HourlyReading]) -> list[Row]:
    """The table: one row a day (means), newest first; the chart shows the hours."""
    days: dict[dt.date, list[HourlyReading]] = {}
    for row in rows:
        days.setdefault(timezone.localtime(row.hour).date(), []).append(row)

    def mean(values):
        values = [v for v in values if v is not None]
        return sum(values) / len(values) if values else None

    out = []
    for day in sorted(days, reverse=True):
        t = mean(r.temperature for r in days[day])
        h = mean(r.humidity for r in days[day])
        c = mean(r.co2 for r in days[day])
        out.append(
            Row(
                f"{day:%a %d %b}",
                "No data" if t is None else f"{t:.1f}°C",
                "No data" if h is None else f"{h:.0f}%",
                "No data" if c is None else f"{c:.0f} ppm",
            )
        )
    return out


def line_chart(
    chart_id: str,
    title: str,
    unit: str,
    rows: list[HourlyReading],
    field: str,
    start: dt.datetime,
    end: dt.datetime,
    low: float,
    high: float,
    threshold: float | None = None,
    threshold_label: str = "",
) -> LineChart:
    span = (end - start).total_seconds() or 1
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(at):
        return LEFT + inner_w * (at - start).total_seconds() / span

    def y(value):
        value = min(max(value, low), high)
        return TOP + inner_h * (1 - (value - low) / (high - low))

    values = [(r.hour, getattr(r, field)) for r in rows if getattr(r, field) is not None]
    points = " ".join(f"{x(at):.1f},{y(v):.1f}" for at, v in values)
    ticks = 4
    y_labels = [
        (f"{y(low + (high - low) * i / ticks):.1f}", f"{low + (high - low) * i / ticks:g}{unit}")
        for i in range(ticks + 1)
    ]
    days = (end - start).days or 1
    step = max(1, days // 6)
    x_labels = []
    day = timezone.localtime(start).date()
    while True:
        day += dt.timedelta(days=step)
        at = timezone.make_aware(dt.datetime.combine(day, dt.time()))
        if at >= end:
            break
        x_labels.append((f"{x(at):.1f}", f"{day:%d %b}"))
    if values:
        lowest = min(v for _, v in values)
        highest = max(v for _, v in values)
        description = (
            f"{title}, hourly, {timezone.localtime(start):%d %B} to "
            f"{timezone.localtime(end):%d %B}: "
            f"from {lowest:.1f}{unit} to {highest:.1f}{unit}, latest {values[-1][1]:.1f}{unit}."
        )
    else:
        description = f"{title}: no readings in this period."
    return LineChart(
        chart_id,
        title,
        unit,
        points,
        None if threshold is None else f"{y(threshold):.1f}",
        threshold_label,
        y_labels,
        x_labels,
        description,
    )


def home_charts(
    rows: list[HourlyReading], *, days: int, rules: dict, now: dt.datetime | None = None
):
    """Temperature and humidity charts of one home's environment sensors, and the daily table."""
    now = now or timezone.now()
    start = now - dt.timedelta(days=days)
    mould = rules.get("mould")
    return {
        "charts": [
            line_chart(
                "temperature",
                "Temperature",
                "°C",
                rows,
                "temperature",
                start,
                now,
                0,
                30,
                mould.temperature_below if mould else None,
                f"below {mould.temperature_below:g}°C counts towards mould risk"
                if mould and mould.temperature_below is not None
                else "",
            ),
            line_chart(
                "humidity",
                "Relative humidity",
                "%",
                rows,
                "humidity",
                start,
                now,
                0,
                100,
                mould.humidity_at_least if mould else None,
                f"{mould.humidity_at_least:g}% or more counts towards mould risk"
                if mould and mould.humidity_at_least is not None
                else "",
            ),
        ],
        "table": _day_rows(rows),
    }


def evidence_charts(evidence: dict, *, rules: dict) -> dict | None:
    """The charts and table of the hours a rule fired on (kept on the alert), for the case."""
    hours = [
        SimpleNamespace(
            hour=dt.datetime.fromisoformat(row["hour"]),
            temperature=row.get("temperature"),
            humidity=row.get("humidity"),
            co2=row.get("co2"),
        )
        for row in evidence.get("hours", [])
    ]
    if not hours:
        return None
    end = hours[-1].hour + dt.timedelta(hours=1)
    days = max(1, round((end - hours[0].hour).total_seconds() / 86400))
    return home_charts(hours, days=days, rules=rules, now=end)  # type: ignore[arg-type]
