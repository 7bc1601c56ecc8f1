"""The KPIs as the pages list them: each measure's name, its figure and how it is shown, the
targets set for them, and the tables of a period against the same days a year earlier.

The figures are worked out in ``formulas.py``, shown with ``display.py``; the daily charts are
in ``charts.py``. Nothing here queries the database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings

from borough.core.channels import Channel

from .display import (
    NO_COST,
    NO_DATA,
    Cell,
    Table,
    cell,
    label_cell,
    show_average,
    show_count,
    show_days,
    show_hours,
    show_minutes,
    show_money,
    show_percent,
)
from .formulas import FEEDBACK, Figures, figures, money, ratio
from .models import Kpi
from .selectors import Totals


def targets() -> dict[str, Decimal]:
    """Each KPI's target, by measure key, in the unit the KPI is shown in (percent as 0-1).

    ``BOROUGH_KPI_TARGETS`` gives percentages as percentages (``completion_rate=85``).
    """
    found = {}
    for key, value in getattr(settings, "BOROUGH_KPI_TARGETS", {}).items():
        amount = money(value)
        measure = MEASURES_BY_KEY.get(key)
        if measure is None or amount is None:
            continue
        found[key] = amount / 100 if measure.percent else amount
    return found


@dataclass(frozen=True)
class Measure:
    """One KPI row: its name, how to read it from ``Figures`` and how to show it."""

    key: str
    name: str
    read: Callable[[Figures], Any]  # Figures -> value
    show: Callable[[Figures], str]  # Figures -> text
    percent: bool = False
    show_value: Callable[[Any], str] | None = None  # value -> text, for a target


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
    Measure(
        "automated_minutes",
        "Staff time saved by automated process steps",
        lambda f: f.automated_minutes,
        lambda f: show_hours(f.automated_minutes),
        show_value=show_count,
    ),
    Measure(
        "business_support_saved",
        "Business support spend saved by automated process steps",
        lambda f: f.business_support_saved,
        lambda f: NO_DATA if f.automated_minutes is None else show_money(f.business_support_saved),
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
    _measure("payments_taken", "Card payments taken", show_count),
    Measure(
        "income",
        "Income taken by card",
        lambda f: f.income,
        lambda f: show_money(f.income, missing=NO_DATA),
        show_value=show_money,
    ),
    _measure("cashless_share", "Cashless share of paid requests", show_percent),
    _measure("failed_payment_rate", "Failed-payment rate", show_percent),
    Measure(
        "refunds",
        "Refunds given",
        lambda f: f.refunds,
        lambda f: show_money(f.refunds, missing=NO_DATA),
        show_value=show_money,
    ),
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
    nothing: list[int | None] = [None] * 5
    now_counts: list[int | None] = [*now.feedback_counts] if any(now.feedback_counts) else nothing
    before_counts: list[int | None] = (
        [*before.feedback_counts] if any(before.feedback_counts) else nothing
    )
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


def income_table(totals: Totals, services) -> Table:
    """Income by channel (a yearly renewal has none) and by service: what was taken, how many
    payments failed and what was given back."""
    rows = []
    labels = [*Channel.choices, ("", "Yearly renewals (no contact)")]
    for channel, label in labels:
        row = _income_row(label, totals, channel=channel)
        if row is not None:
            rows.append(row)
    for item in services:
        row = _income_row(item.name, item.totals)
        if row is not None:
            rows.append(row)
    return Table(
        "income",
        "Card income by channel, then by service",
        ["Channel or service", "Payments taken", "Income", "Failed-payment rate", "Refunds"],
        rows,
    )


def _income_row(label: str, totals: Totals, *, channel: str | None = None) -> list[Cell] | None:
    def total(kpi):
        if channel is None:
            return totals.total(kpi)
        return totals.channels(kpi).get(channel, 0)

    taken, failed = total(Kpi.PAYMENTS_TAKEN), total(Kpi.PAYMENTS_FAILED)
    if not (taken or failed or total(Kpi.REFUNDS)):
        return None
    income = Decimal(total(Kpi.INCOME_PENCE)) / 100
    refunded = Decimal(total(Kpi.REFUND_PENCE)) / 100
    rate = ratio(failed, failed + taken)
    return [
        label_cell(label),
        cell(taken, show_count(taken)),
        cell(income, show_money(income)),
        cell(rate, show_percent(rate)),
        cell(refunded, show_money(refunded)),
    ]


INCLUSION_KPIS = (
    (Kpi.DEVICES_LENT, "Devices handed over"),
    (Kpi.DEVICES_RETURNED, "Devices returned"),
    (Kpi.SKILLS_BOOKED, "Skills places booked"),
    (Kpi.SKILLS_ATTENDED, "Skills places attended"),
    (Kpi.SURVEYS_ANSWERED, "Surveys answered"),
    (Kpi.SURVEYS_DOING_MORE, "Can now do more online"),
)


def inclusion_table(by_ward: dict[str, dict[str, int]]) -> Table:
    """Digital inclusion (issue 26) by the ward of the resident's home, wards by name."""
    rows = []
    for ward in sorted(by_ward, key=lambda name: (name == "Unknown", name)):
        values = by_ward[ward]
        rows.append(
            [label_cell(ward)]
            + [
                cell(values.get(kpi, 0), show_count(values.get(kpi, 0)))
                for kpi, _ in INCLUSION_KPIS
            ]
        )
    return Table(
        "inclusion",
        "Digital inclusion by ward: device loans, skills sessions and the three-month survey",
        ["Ward", *(name for _, name in INCLUSION_KPIS)],
        rows,
    )
