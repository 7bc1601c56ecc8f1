"""What each KPI means, worked out from count totals, and how it is shown.

Nothing here queries the database: it turns ``selectors`` totals into figures, tables and
charts. Costs come from settings when shown, so changing a cost needs no rebuild.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings

from borough.core.channels import SELF_SERVICE_CHANNELS, Channel

from .models import Kpi
from .selectors import Totals

log = logging.getLogger(__name__)

NO_COST = "No cost set"
NO_DATA = "No data"
SATISFIED = (Kpi.FEEDBACK_4, Kpi.FEEDBACK_5)
FEEDBACK = (Kpi.FEEDBACK_1, Kpi.FEEDBACK_2, Kpi.FEEDBACK_3, Kpi.FEEDBACK_4, Kpi.FEEDBACK_5)
CHANNEL_LABELS = dict(Channel.choices)


def _money(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        log.warning("insights cost is not a number", extra={"value": str(value)})
        return None
    return amount if amount >= 0 else None


def contact_costs() -> dict[str, Decimal]:
    """Cost of one contact by channel, for the channels that have one set."""
    found = {}
    for channel, value in getattr(settings, "BOROUGH_CONTACT_COSTS", {}).items():
        amount = _money(value)
        if channel in CHANNEL_LABELS and amount is not None:
            found[channel] = amount
    return found


def letter_cost() -> Decimal | None:
    return _money(getattr(settings, "BOROUGH_LETTER_COST", ""))


def staff_cost_per_hour() -> Decimal | None:
    """What an hour of back-office staff time costs, with on-costs; ``None`` when not set."""
    return _money(getattr(settings, "BOROUGH_STAFF_COST_PER_HOUR", ""))


def targets() -> dict[str, Decimal]:
    """Each KPI's target, by measure key, in the unit the KPI is shown in (percent as 0-1).

    ``BOROUGH_KPI_TARGETS`` gives percentages as percentages (``completion_rate=85``).
    """
    found = {}
    for key, value in getattr(settings, "BOROUGH_KPI_TARGETS", {}).items():
        amount = _money(value)
        measure = MEASURES_BY_KEY.get(key)
        if measure is None or amount is None:
            continue
        found[key] = amount / 100 if measure.percent else amount
    return found


def ratio(part: int, whole: int) -> Decimal | None:
    return None if not whole else Decimal(part) / Decimal(whole)


# Formatting ---------------------------------------------------------------------------------


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


# The KPIs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spend:
    amount: Decimal | None
    channels_without_cost: list[str]

    @property
    def note(self) -> str:
        if not self.channels_without_cost:
            return ""
        names = ", ".join(sorted(CHANNEL_LABELS[c].lower() for c in self.channels_without_cost))
        return f"Leaves out {names}: no cost set"


def contact_spend(totals: Totals, costs: dict[str, Decimal]) -> Spend:
    """Contacts by channel times each channel's cost; channels with no cost are named, not 0."""
    by_channel = totals.channels(Kpi.CONTACTS)
    known = [costs[ch] * n for ch, n in by_channel.items() if ch in costs and n]
    missing = sorted(ch for ch, n in by_channel.items() if ch not in costs and n)
    if not known:
        return Spend(None, missing)
    return Spend(sum(known, Decimal(0)), missing)


@dataclass(frozen=True)
class Figures:
    """Every KPI for one period (and optionally one service or channel)."""

    contacts: int | None
    self_service_share: Decimal | None
    digital_take_up: Decimal | None
    completion_rate: Decimal | None
    satisfaction: Decimal | None
    feedback_counts: list[int]
    spend: Spend
    cost_per_transaction: Decimal | None
    letters: int | None
    print_postage: Decimal | None
    repeat_contact_rate: Decimal | None
    requests_raised: int | None
    requests_closed: int | None
    average_days_to_close: Decimal | None
    average_contact_minutes: Decimal | None
    forms_started: int | None
    staff_minutes: int | None = None
    business_support_spend: Decimal | None = None
    registrations: int | None = None
    signed_in_a_day: Decimal | None = None


def _count(totals: Totals, kpi) -> int | None:
    return totals.total(kpi) if totals.has(kpi) else None


def figures(
    totals: Totals,
    costs: dict[str, Decimal] | None = None,
    letter: Decimal | None = None,
    *,
    days: int | None = None,
    hourly: Decimal | None = None,
) -> Figures:
    """Every KPI from a period's totals. ``days`` is the period's length, for daily averages."""
    costs = contact_costs() if costs is None else costs
    letter = letter_cost() if letter is None else letter
    hourly = staff_cost_per_hour() if hourly is None else hourly
    minutes = _count(totals, Kpi.STAFF_MINUTES)
    signed_in = _count(totals, Kpi.RESIDENTS_SIGNED_IN)
    t = totals.total
    spend = contact_spend(totals, costs)
    raised = t(Kpi.CASES_OPENED)
    letters = _count(totals, Kpi.LETTERS_SENT)
    closed = t(Kpi.CASES_CLOSED)
    timed = t(Kpi.CONTACTS_TIMED)
    return Figures(
        contacts=_count(totals, Kpi.CONTACTS),
        self_service_share=ratio(t(Kpi.CONTACTS_SELF_SERVICE), t(Kpi.CONTACTS)),
        digital_take_up=ratio(t(Kpi.CASES_OPENED, SELF_SERVICE_CHANNELS), raised),
        completion_rate=ratio(
            t(Kpi.FORMS_SUBMITTED) + t(Kpi.FORMS_NOT_ELIGIBLE), t(Kpi.FORMS_STARTED)
        ),
        satisfaction=ratio(sum(t(k) for k in SATISFIED), sum(t(k) for k in FEEDBACK)),
        feedback_counts=[t(k) for k in FEEDBACK],
        spend=spend,
        cost_per_transaction=(
            spend.amount / raised if spend.amount is not None and raised else None
        ),
        letters=letters,
        print_postage=letter * letters if letter is not None and letters is not None else None,
        repeat_contact_rate=ratio(t(Kpi.REPEAT_CONTACTS), t(Kpi.CONTACTS_WITH_CASE)),
        requests_raised=_count(totals, Kpi.CASES_OPENED),
        requests_closed=_count(totals, Kpi.CASES_CLOSED),
        average_days_to_close=(
            Decimal(t(Kpi.CASE_CLOSE_SECONDS)) / 86400 / closed if closed else None
        ),
        average_contact_minutes=(Decimal(t(Kpi.CONTACT_SECONDS)) / 60 / timed if timed else None),
        forms_started=_count(totals, Kpi.FORMS_STARTED),
        staff_minutes=minutes,
        business_support_spend=(
            hourly * minutes / 60 if hourly is not None and minutes is not None else None
        ),
        registrations=_count(totals, Kpi.RESIDENTS_REGISTERED),
        signed_in_a_day=(Decimal(signed_in) / days if signed_in is not None and days else None),
    )


@dataclass(frozen=True)
class Measure:
    """One KPI row: its name, how to read it from ``Figures`` and how to show it."""

    key: str
    name: str
    read: object  # Figures -> value
    show: object  # Figures -> text
    percent: bool = False
    show_value: object = None  # value -> text, for a target


def _spend_shown(f: Figures) -> str:
    if f.contacts is None:
        return NO_DATA
    if f.spend.amount is None:
        return NO_COST
    shown = show_money(f.spend.amount)
    return f"{shown} ({f.spend.note})" if f.spend.note else shown


def _cost_per_transaction_shown(f: Figures) -> str:
    if not f.requests_raised or f.contacts is None:
        return NO_DATA
    return show_money(f.cost_per_transaction)


def _print_postage_shown(f: Figures) -> str:
    return NO_DATA if f.letters is None else show_money(f.print_postage)


def _business_support_shown(f: Figures) -> str:
    return NO_DATA if f.staff_minutes is None else show_money(f.business_support_spend)


def _measure(key: str, name: str, show) -> Measure:
    return Measure(
        key,
        name,
        lambda f: getattr(f, key),
        lambda f: show(getattr(f, key)),
        percent=show is show_percent,
        show_value=show,
    )


MEASURES = [
    _measure("contacts", "Contacts from residents", show_count),
    _measure("self_service_share", "Self-service share", show_percent),
    _measure("digital_take_up", "Digital take-up", show_percent),
    _measure("completion_rate", "Completion rate", show_percent),
    _measure("satisfaction", "User satisfaction", show_percent),
    Measure(
        "spend",
        "Spend on customer contact",
        lambda f: f.spend.amount,
        _spend_shown,
        show_value=show_money,
    ),
    Measure(
        "cost_per_transaction",
        "Cost per transaction",
        lambda f: f.cost_per_transaction,
        _cost_per_transaction_shown,
        show_value=show_money,
    ),
    _measure("letters", "Letters sent", show_count),
    Measure(
        "print_postage",
        "Print and postage spend",
        lambda f: f.print_postage,
        _print_postage_shown,
        show_value=show_money,
    ),
    Measure(
        "staff_minutes",
        "Staff time recorded on requests",
        lambda f: f.staff_minutes,
        lambda f: show_hours(f.staff_minutes),
        show_value=show_count,
    ),
    Measure(
        "business_support_spend",
        "Spend on business support",
        lambda f: f.business_support_spend,
        _business_support_shown,
        show_value=show_money,
    ),
    _measure("repeat_contact_rate", "Repeat contact within 7 days", show_percent),
    _measure("requests_raised", "Requests raised", show_count),
    _measure("requests_closed", "Requests closed", show_count),
    _measure("average_days_to_close", "Average time to close", show_days),
    _measure("average_contact_minutes", "Average length of a contact", show_minutes),
    _measure("forms_started", "Online forms started", show_count),
    _measure("registrations", "MyAccount registrations", show_count),
    _measure("signed_in_a_day", "Residents signed in to MyAccount, average a day", show_average),
]
MEASURES_BY_KEY = {m.key: m for m in MEASURES}


def _target_cell(measure: Measure, goal: dict[str, Decimal]) -> Cell:
    value = goal.get(measure.key)
    if value is None or measure.show_value is None:
        return Cell(text="No target set", raw="")
    return cell(value, measure.show_value(value))


def comparison_table(
    now: Figures, before: Figures, *, caption: str, goal: dict[str, Decimal] | None = None
) -> Table:
    goal = targets() if goal is None else goal
    rows = [
        [
            label_cell(m.name),
            cell(m.read(now), m.show(now)),
            cell(m.read(before), m.show(before)),
            _target_cell(m, goal),
        ]
        for m in MEASURES
    ]
    return Table(
        "kpis", caption, ["Measure", "This period", "Same period last year", "Target"], rows
    )


def satisfaction_table(now: Figures, before: Figures) -> Table:
    names = dict(Kpi.choices)
    # No answers at all in a period is no data, not five zeros.
    now_counts = now.feedback_counts if any(now.feedback_counts) else [None] * 5
    before_counts = before.feedback_counts if any(before.feedback_counts) else [None] * 5
    rows = [
        [label_cell(names[k]), cell(a, show_count(a)), cell(b, show_count(b))]
        for k, a, b in zip(FEEDBACK, now_counts, before_counts, strict=True)
    ]
    return Table(
        "satisfaction",
        "Answers to “how satisfied were you with this service?”",
        ["Answer", "This period", "Same period last year"],
        rows,
    )


def channel_table(totals: Totals, costs: dict[str, Decimal], *, link) -> Table:
    rows = []
    for channel, label in Channel.choices:
        contacts = totals.channels(Kpi.CONTACTS).get(channel)
        raised = totals.channels(Kpi.CASES_OPENED).get(channel)
        self_service = totals.channels(Kpi.CONTACTS_SELF_SERVICE).get(channel, 0)
        cost = costs.get(channel)
        spend = cost * contacts if cost is not None and contacts else None
        spend_text = NO_COST if cost is None else (show_money(spend) if contacts else NO_DATA)
        rows.append(
            [
                label_cell(label, link(channel)),
                cell(contacts, show_count(contacts)),
                cell(
                    ratio(self_service, contacts or 0),
                    show_percent(ratio(self_service, contacts or 0)),
                ),
                cell(raised, show_count(raised)),
                cell(cost, show_money(cost)),
                cell(spend, spend_text),
            ]
        )
    return Table(
        "channels",
        "By channel",
        [
            "Channel",
            "Contacts",
            "Self-service share",
            "Requests raised",
            "Cost of one contact",
            "Spend",
        ],
        rows,
    )


def service_table(services, *, link) -> Table:
    rows = []
    for item in services:
        f = figures(item.totals)
        rows.append(
            [
                label_cell(item.name, link(item.slug)),
                cell(f.requests_raised, show_count(f.requests_raised)),
                cell(f.forms_started, show_count(f.forms_started)),
                cell(f.completion_rate, show_percent(f.completion_rate)),
                cell(f.satisfaction, show_percent(f.satisfaction)),
                cell(f.average_days_to_close, show_days(f.average_days_to_close)),
                cell(f.repeat_contact_rate, show_percent(f.repeat_contact_rate)),
            ]
        )
    return Table(
        "services",
        "By service",
        [
            "Service",
            "Requests raised",
            "Online forms started",
            "Completion rate",
            "User satisfaction",
            "Average time to close",
            "Repeat contact within 7 days",
        ],
        rows,
    )


# Charts -------------------------------------------------------------------------------------

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
    last_year: list[Dot] = ()  # the same day a year earlier, where it has data
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
    value: object  # Totals -> number or None
    show: object
    percent: bool = False


SERIES = [
    Series("contacts", "Contacts from residents each day", lambda t: _count(t, Kpi.CONTACTS),
           show_count),
    Series(
        "self_service_share",
        "Self-service share each day",
        lambda t: ratio(t.total(Kpi.CONTACTS_SELF_SERVICE), t.total(Kpi.CONTACTS)),
        show_percent,
        percent=True,
    ),
    Series(
        "completion_rate",
        "Completion rate of online forms each day",
        lambda t: ratio(
            t.total(Kpi.FORMS_SUBMITTED) + t.total(Kpi.FORMS_NOT_ELIGIBLE),
            t.total(Kpi.FORMS_STARTED),
        ),
        show_percent,
        percent=True,
    ),
    Series(
        "satisfaction",
        "User satisfaction each day",
        lambda t: ratio(sum(t.total(k) for k in SATISFIED), sum(t.total(k) for k in FEEDBACK)),
        show_percent,
        percent=True,
    ),
    Series("requests_raised", "Requests raised each day",
           lambda t: _count(t, Kpi.CASES_OPENED), show_count),
]  # fmt: skip


def _day_label(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def _year_earlier(day: dt.date) -> dt.date:
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
        then = before.get(_year_earlier(day))
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
        if earlier[i] is not None:
            dots.append(
                Dot(
                    x=f"{x + bar_w / 2:.1f}",
                    y=f"{base - Decimal(earlier[i]) / top * plot_h:.1f}",
                    label=f"{_day_label(_year_earlier(day))}: {series.show(earlier[i])}",
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
