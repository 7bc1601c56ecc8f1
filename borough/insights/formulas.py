"""What each KPI means: every formula written once, worked out from a period's (or a day's)
count totals. The dashboards' figures and the daily charts both call these, so the two can
never disagree.

Nothing here queries the database or formats a number (``display.py``). Costs come from
settings when worked out, so changing a cost needs no rebuild.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings

from borough.core.channels import SELF_SERVICE_CHANNELS, Channel

from .models import Kpi
from .selectors import Totals

log = logging.getLogger(__name__)

SATISFIED = (Kpi.FEEDBACK_4, Kpi.FEEDBACK_5)
FEEDBACK = (Kpi.FEEDBACK_1, Kpi.FEEDBACK_2, Kpi.FEEDBACK_3, Kpi.FEEDBACK_4, Kpi.FEEDBACK_5)
CHANNEL_LABELS = dict(Channel.choices)


# Costs, from settings -----------------------------------------------------------------------


def money(value) -> Decimal | None:
    """A cost or target from settings as a ``Decimal``; ``None`` when blank, negative or not a
    number (logged)."""
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
        amount = money(value)
        if channel in CHANNEL_LABELS and amount is not None:
            found[channel] = amount
    return found


def letter_cost() -> Decimal | None:
    return money(getattr(settings, "BOROUGH_LETTER_COST", ""))


def staff_cost_per_hour() -> Decimal | None:
    """What an hour of back-office staff time costs, with on-costs; ``None`` when not set."""
    return money(getattr(settings, "BOROUGH_STAFF_COST_PER_HOUR", ""))


# The formulas -------------------------------------------------------------------------------


def ratio(part: int, whole: int) -> Decimal | None:
    return None if not whole else Decimal(part) / Decimal(whole)


def count_of(totals: Totals, kpi) -> int | None:
    """A count's total, or ``None`` (no data) when nothing of it was counted at all."""
    return totals.total(kpi) if totals.has(kpi) else None


def self_service_share(totals: Totals) -> Decimal | None:
    """Contacts through a self-service channel, out of every contact."""
    return ratio(totals.total(Kpi.CONTACTS_SELF_SERVICE), totals.total(Kpi.CONTACTS))


def digital_take_up(totals: Totals) -> Decimal | None:
    """Requests raised through a self-service channel, out of every request raised."""
    return ratio(
        totals.total(Kpi.CASES_OPENED, SELF_SERVICE_CHANNELS), totals.total(Kpi.CASES_OPENED)
    )


def completion_rate(totals: Totals) -> Decimal | None:
    """Online forms finished (sent, or ended at an exit page) out of those started."""
    finished = totals.total(Kpi.FORMS_SUBMITTED) + totals.total(Kpi.FORMS_NOT_ELIGIBLE)
    return ratio(finished, totals.total(Kpi.FORMS_STARTED))


def satisfaction(totals: Totals) -> Decimal | None:
    """Answers of satisfied or very satisfied out of every answer (GDS user satisfaction)."""
    return ratio(sum(totals.total(k) for k in SATISFIED), sum(totals.total(k) for k in FEEDBACK))


def feedback_counts(totals: Totals) -> list[int]:
    """How many gave each of the five answers, "very dissatisfied" first."""
    return [totals.total(k) for k in FEEDBACK]


def repeat_contact_rate(totals: Totals) -> Decimal | None:
    """Inbound contacts about a request within 7 days of an earlier one about it, out of every
    inbound contact about a request (failure demand)."""
    return ratio(totals.total(Kpi.REPEAT_CONTACTS), totals.total(Kpi.CONTACTS_WITH_CASE))


def average_days_to_close(totals: Totals) -> Decimal | None:
    closed = totals.total(Kpi.CASES_CLOSED)
    return Decimal(totals.total(Kpi.CASE_CLOSE_SECONDS)) / 86400 / closed if closed else None


def average_contact_minutes(totals: Totals) -> Decimal | None:
    timed = totals.total(Kpi.CONTACTS_TIMED)
    return Decimal(totals.total(Kpi.CONTACT_SECONDS)) / 60 / timed if timed else None


def pence_to_pounds(pence: int | None) -> Decimal | None:
    return None if pence is None else Decimal(pence) / 100


def cashless_share(totals: Totals) -> Decimal | None:
    """Requests for a paid service that were paid by card through GOV.UK Pay, out of every
    request raised for a paid service (the rest were raised without a card payment: by
    another system, or before payments were taken)."""
    return ratio(totals.total(Kpi.CASES_PAID_BY_CARD), totals.total(Kpi.PAYABLE_CASES_OPENED))


def failed_payment_rate(totals: Totals) -> Decimal | None:
    """Card payments declined, expired or failed at the provider, out of those that finished
    (taken or failed); a payer cancelling is not a failure."""
    failed = totals.total(Kpi.PAYMENTS_FAILED)
    return ratio(failed, failed + totals.total(Kpi.PAYMENTS_TAKEN))


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


# Every KPI of a period ----------------------------------------------------------------------


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
    automated_minutes: int | None = None
    business_support_saved: Decimal | None = None
    registrations: int | None = None
    signed_in_a_day: Decimal | None = None
    payments_taken: int | None = None
    income: Decimal | None = None
    cashless_share: Decimal | None = None
    failed_payment_rate: Decimal | None = None
    refunds: Decimal | None = None


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
    minutes = count_of(totals, Kpi.STAFF_MINUTES)
    automated = count_of(totals, Kpi.AUTOMATED_MINUTES)
    signed_in = count_of(totals, Kpi.RESIDENTS_SIGNED_IN)
    spend = contact_spend(totals, costs)
    raised = totals.total(Kpi.CASES_OPENED)
    letters = count_of(totals, Kpi.LETTERS_SENT)
    return Figures(
        contacts=count_of(totals, Kpi.CONTACTS),
        self_service_share=self_service_share(totals),
        digital_take_up=digital_take_up(totals),
        completion_rate=completion_rate(totals),
        satisfaction=satisfaction(totals),
        feedback_counts=feedback_counts(totals),
        spend=spend,
        cost_per_transaction=(
            spend.amount / raised if spend.amount is not None and raised else None
        ),
        letters=letters,
        print_postage=letter * letters if letter is not None and letters is not None else None,
        repeat_contact_rate=repeat_contact_rate(totals),
        requests_raised=count_of(totals, Kpi.CASES_OPENED),
        requests_closed=count_of(totals, Kpi.CASES_CLOSED),
        average_days_to_close=average_days_to_close(totals),
        average_contact_minutes=average_contact_minutes(totals),
        forms_started=count_of(totals, Kpi.FORMS_STARTED),
        staff_minutes=minutes,
        business_support_spend=(
            hourly * minutes / 60 if hourly is not None and minutes is not None else None
        ),
        automated_minutes=automated,
        business_support_saved=(
            hourly * automated / 60 if hourly is not None and automated is not None else None
        ),
        registrations=count_of(totals, Kpi.RESIDENTS_REGISTERED),
        signed_in_a_day=(Decimal(signed_in) / days if signed_in is not None and days else None),
        payments_taken=count_of(totals, Kpi.PAYMENTS_TAKEN),
        income=pence_to_pounds(count_of(totals, Kpi.INCOME_PENCE)),
        cashless_share=cashless_share(totals),
        failed_payment_rate=failed_payment_rate(totals),
        refunds=pence_to_pounds(count_of(totals, Kpi.REFUND_PENCE)),
    )
