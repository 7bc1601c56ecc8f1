"""How KPI figures are shown: words for numbers, money and time, and the cells and tables the
pages and CSV downloads are made of. Nothing here works a figure out (``formulas.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

NO_COST = "No cost set"
NO_DATA = "No data"


def show_count(value: int | None) -> str:
    return NO_DATA if value is None else f"{value:,}"


def show_percent(value: Decimal | None) -> str:
    return NO_DATA if value is None else f"{value * 100:.1f}%"


def show_money(value: Decimal | None, *, missing: str = NO_COST) -> str:
    return missing if value is None else f"£{value:,.2f}"


def show_days(value: Decimal | None) -> str:
    return NO_DATA if value is None else f"{value:.1f} days"


def show_minutes(value: Decimal | None) -> str:
    return NO_DATA if value is None else f"{value:.1f} minutes"


def show_hours(minutes: int | None) -> str:
    return NO_DATA if minutes is None else f"{Decimal(minutes) / 60:,.1f} hours"


def show_average(value: Decimal | None) -> str:
    return NO_DATA if value is None else f"{value:,.1f}"


def _raw(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)


@dataclass(frozen=True)
class Cell:
    text: str
    raw: str = ""
    numeric: bool = True
    href: str = ""


def cell(value, shown: str) -> Cell:
    return Cell(text=shown, raw=_raw(value))


def label_cell(text: str, href: str = "") -> Cell:
    return Cell(text=text, raw=text, numeric=False, href=href)


@dataclass(frozen=True)
class Table:
    id: str
    caption: str
    headers: list[str]
    rows: list[list[Cell]]
