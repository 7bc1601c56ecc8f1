"""Filling the daily count tables from what was recorded.

``counts_rebuild`` is the only writer of ``DailyCount``: it works out every count of a range of
days with a handful of grouped queries (one per source table, whatever the number of days or
events) and replaces the range's rows in one transaction. Rebuilding a range again, or a range
that overlaps one built before, gives the same rows.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Sum,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone

from borough.accounts.models import User
from borough.cases.models import Case, CaseEvent
from borough.contacts.models import Contact, Feedback, FormSession
from borough.core.channels import SELF_SERVICE_CHANNELS, Channel
from borough.notify.models import Message, MessageChannel
from borough.processes.models import ProcessStep, StepState

from .inclusion_counts import inclusion_counts
from .models import CountedDay, DailyCount, Kpi, ResidentSignIn
from .payment_counts import payment_counts

log = logging.getLogger(__name__)

# A contact about a request is a repeat when another contact about the same request came in
# during the 7 days before it (failure demand).
REPEAT_WINDOW = dt.timedelta(days=7)

# Keeps two rebuilds of overlapping ranges on PostgreSQL from interleaving their delete and insert.
_ADVISORY_LOCK = 0x1B0_C0DE


@dataclass(frozen=True)
class RebuildReport:
    start: dt.date
    end: dt.date
    rows: int

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The first instant of ``start`` and the first instant after ``end``, in local time."""
    tz = timezone.get_current_timezone()
    low = timezone.make_aware(dt.datetime.combine(start, dt.time.min), tz)
    high = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min), tz)
    return low, high


def _rows(group: dict, team_key: str, ward_key: str, values: dict) -> list[DailyCount]:
    return [
        DailyCount(
            day=group["day"],
            kpi=kpi,
            service_id=group["service_id"],
            channel=group["channel"],
            team_id=group[team_key],
            ward_id=group[ward_key],
            value=value,
        )
        for kpi, value in values.items()
        if value
    ]


# Contacts, forms and feedback take their team from their service and their ward from the
# request they were about; cases have their own.
BY_SERVICE = ("day", "service_id", "channel", "service__team_id", "case__ward_id")
CASE_GROUP = ("day", "service_id", "channel", "team_id", "ward_id")
SERVICE_KEYS = ("service__team_id", "case__ward_id")
CASE_KEYS = ("team_id", "ward_id")


def _contact_counts(low, high) -> list[DailyCount]:
    inbound = Q(direction=Contact.Direction.INBOUND)
    earlier_about_same_case = Contact.objects.filter(
        case=OuterRef("case"),
        direction=Contact.Direction.INBOUND,
        started_at__gte=OuterRef("started_at") - REPEAT_WINDOW,
    ).filter(
        Q(started_at__lt=OuterRef("started_at"))
        | Q(started_at=OuterRef("started_at"), pk__lt=OuterRef("pk"))
    )
    grouped = (
        Contact.objects.filter(started_at__gte=low, started_at__lt=high)
        .annotate(day=TruncDate("started_at"), is_repeat=Exists(earlier_about_same_case))
        .values(*BY_SERVICE)
        .annotate(
            contacts=Count("id", filter=inbound),
            self_service=Count(
                "id",
                filter=inbound & Q(channel__in=SELF_SERVICE_CHANNELS, handled_by__isnull=True),
            ),
            timed=Count("id", filter=inbound & Q(duration_seconds__isnull=False)),
            seconds=Sum("duration_seconds", filter=inbound),
            with_case=Count("id", filter=inbound & Q(case__isnull=False)),
            repeats=Count("id", filter=inbound & Q(case__isnull=False, is_repeat=True)),
            letters=Count(
                "id", filter=Q(direction=Contact.Direction.OUTBOUND, channel=Channel.LETTER)
            ),
        )
        .order_by()
    )
    rows: list[DailyCount] = []
    for g in grouped:
        rows += _rows(
            g,
            *SERVICE_KEYS,
            {
                Kpi.CONTACTS: g["contacts"],
                Kpi.CONTACTS_SELF_SERVICE: g["self_service"],
                Kpi.CONTACTS_TIMED: g["timed"],
                Kpi.CONTACT_SECONDS: g["seconds"],
                Kpi.CONTACTS_WITH_CASE: g["with_case"],
                Kpi.REPEAT_CONTACTS: g["repeats"],
                Kpi.LETTERS_SENT: g["letters"],
            },
        )
    return rows


def _notify_letter_counts(low, high) -> list[DailyCount]:
    """Letters GOV.UK Notify took to print and post (issue 20), by the service, team and ward of
    their request. Each costs print and postage, whether it arrives or comes back; one Notify
    refused, or never took, is not counted. Added to the officers' posted letters above."""
    grouped = (
        Message.objects.filter(
            channel=MessageChannel.LETTER,
            provider="notify",
            created__gte=low,
            created__lt=high,
        )
        .exclude(notify_id="")
        .annotate(day=TruncDate("created"))
        .values("day", "case__service_id", "case__service__team_id", "case__ward_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [
        DailyCount(
            day=g["day"],
            kpi=Kpi.LETTERS_SENT,
            service_id=g["case__service_id"],
            channel=Channel.LETTER,
            team_id=g["case__service__team_id"],
            ward_id=g["case__ward_id"],
            value=g["n"],
        )
        for g in grouped
    ]


def _form_counts(low, high) -> list[DailyCount]:
    rows: list[DailyCount] = []
    started = (
        FormSession.objects.filter(started_at__gte=low, started_at__lt=high)
        .annotate(day=TruncDate("started_at"))
        .values(*BY_SERVICE)
        .annotate(n=Count("id"))
        .order_by()
    )
    for g in started:
        rows += _rows(
            g,
            *SERVICE_KEYS,
            {Kpi.FORMS_STARTED: g["n"]},
        )
    # Completions count on the day they happened, so a finished day's counts never change.
    completed = (
        FormSession.objects.filter(
            completed_at__gte=low,
            completed_at__lt=high,
            outcome__in=[FormSession.Outcome.SUBMITTED, FormSession.Outcome.NOT_ELIGIBLE],
        )
        .annotate(day=TruncDate("completed_at"))
        .values(*BY_SERVICE)
        .annotate(
            submitted=Count("id", filter=Q(outcome=FormSession.Outcome.SUBMITTED)),
            not_eligible=Count("id", filter=Q(outcome=FormSession.Outcome.NOT_ELIGIBLE)),
        )
        .order_by()
    )
    for g in completed:
        rows += _rows(
            g,
            *SERVICE_KEYS,
            {Kpi.FORMS_SUBMITTED: g["submitted"], Kpi.FORMS_NOT_ELIGIBLE: g["not_eligible"]},
        )
    return rows


FEEDBACK_KPIS = {
    1: Kpi.FEEDBACK_1,
    2: Kpi.FEEDBACK_2,
    3: Kpi.FEEDBACK_3,
    4: Kpi.FEEDBACK_4,
    5: Kpi.FEEDBACK_5,
}


def _feedback_counts(low, high) -> list[DailyCount]:
    grouped = (
        Feedback.objects.filter(given_at__gte=low, given_at__lt=high)
        .annotate(day=TruncDate("given_at"))
        .values(*BY_SERVICE)
        .annotate(**{f"s{score}": Count("id", filter=Q(score=score)) for score in FEEDBACK_KPIS})
        .order_by()
    )
    rows: list[DailyCount] = []
    for g in grouped:
        rows += _rows(
            g,
            *SERVICE_KEYS,
            {kpi: g[f"s{score}"] for score, kpi in FEEDBACK_KPIS.items()},
        )
    return rows


def _case_counts(low, high) -> list[DailyCount]:
    rows: list[DailyCount] = []
    opened = (
        Case.objects.filter(created_at__gte=low, created_at__lt=high)
        .annotate(day=TruncDate("created_at"))
        .values(*CASE_GROUP)
        .annotate(n=Count("id"))
        .order_by()
    )
    for g in opened:
        rows += _rows(g, *CASE_KEYS, {Kpi.CASES_OPENED: g["n"]})
    closed = (
        Case.objects.filter(closed_at__gte=low, closed_at__lt=high)
        .annotate(
            day=TruncDate("closed_at"),
            open_for=ExpressionWrapper(F("closed_at") - F("created_at"), DurationField()),
        )
        .values(*CASE_GROUP)
        .annotate(n=Count("id"), open_for_total=Sum("open_for"))
        .order_by()
    )
    for g in closed:
        total = g["open_for_total"] or dt.timedelta(0)
        rows += _rows(
            g,
            *CASE_KEYS,
            {Kpi.CASES_CLOSED: g["n"], Kpi.CASE_CLOSE_SECONDS: round(total.total_seconds())},
        )
    return rows


def _staff_time_counts(low, high) -> list[DailyCount]:
    """Minutes of back-office work recorded on requests, by the case's service, team and ward."""
    grouped = (
        CaseEvent.objects.filter(kind=CaseEvent.Kind.TIME_RECORDED, at__gte=low, at__lt=high)
        .annotate(day=TruncDate("at"), minutes=Cast(KT("data__minutes"), IntegerField()))
        .values("day", "case__service_id", "case__team_id", "case__ward_id")
        .annotate(total=Sum("minutes"))
        .order_by()
    )
    return [
        DailyCount(
            day=g["day"],
            kpi=Kpi.STAFF_MINUTES,
            service_id=g["case__service_id"],
            channel="",
            team_id=g["case__team_id"],
            ward_id=g["case__ward_id"],
            value=g["total"],
        )
        for g in grouped
        if g["total"]
    ]


def _automated_counts(low, high) -> list[DailyCount]:
    """Staff minutes that automated process steps saved (the council sets the minutes per step,
    ``processes``), by the day the step finished and the case's service, team and ward."""
    grouped = (
        ProcessStep.objects.filter(
            state=StepState.DONE, finished_at__gte=low, finished_at__lt=high, minutes_saved__gt=0
        )
        .annotate(day=TruncDate("finished_at"))
        .values(
            "day",
            "instance__case__service_id",
            "instance__case__team_id",
            "instance__case__ward_id",
        )
        .annotate(total=Sum("minutes_saved"))
        .order_by()
    )
    return [
        DailyCount(
            day=g["day"],
            kpi=Kpi.AUTOMATED_MINUTES,
            service_id=g["instance__case__service_id"],
            channel="",
            team_id=g["instance__case__team_id"],
            ward_id=g["instance__case__ward_id"],
            value=g["total"],
        )
        for g in grouped
    ]


def _account_counts(low, high, start: dt.date, end: dt.date) -> list[DailyCount]:
    """Resident accounts created, and residents who signed in, each day (no service or team)."""
    rows = [
        DailyCount(day=g["day"], kpi=Kpi.RESIDENTS_REGISTERED, channel="", value=g["n"])
        for g in User.objects.filter(
            kind=User.Kind.RESIDENT, date_joined__gte=low, date_joined__lt=high
        )
        .annotate(day=TruncDate("date_joined"))
        .values("day")
        .annotate(n=Count("id"))
        .order_by()
    ]
    rows += [
        DailyCount(day=g["day"], kpi=Kpi.RESIDENTS_SIGNED_IN, channel="", value=g["n"])
        for g in ResidentSignIn.objects.filter(day__gte=start, day__lte=end)
        .values("day")
        .annotate(n=Count("user_id", distinct=True))
        .order_by()
    ]
    return rows


def sign_in_record(*, user) -> bool:
    """Note that a resident signed in today (once a day at most). Staff sign-ins are not kept.

    Called from the ``user_logged_in`` signal. Returns whether this was the day's first.
    """
    if getattr(user, "kind", None) != User.Kind.RESIDENT or user.pk is None:
        return False
    _, created = ResidentSignIn.objects.get_or_create(user_id=user.pk, day=timezone.localdate())
    return created


def counts_rebuild(*, start: dt.date, end: dt.date) -> RebuildReport:
    """Work out every daily count from ``start`` to ``end`` (both included) and replace them.

    The range's rows are deleted and inserted in one transaction, so readers see either the old
    counts or the new ones, and a rerun (or an overlapping rebuild) gives identical numbers.
    """
    if end < start:
        raise ValueError("The end of the range is before its start")
    low, high = _bounds(start, end)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK])
        rows = (
            _contact_counts(low, high)
            + _notify_letter_counts(low, high)
            + _form_counts(low, high)
            + _feedback_counts(low, high)
            + _case_counts(low, high)
            + _staff_time_counts(low, high)
            + _automated_counts(low, high)
            + _account_counts(low, high, start, end)
            + payment_counts(low, high)
            + inclusion_counts(low, high)
        )
        DailyCount.objects.filter(day__gte=start, day__lte=end).delete()
        DailyCount.objects.bulk_create(rows, batch_size=2000)
        now = timezone.now()
        CountedDay.objects.filter(day__gte=start, day__lte=end).delete()
        CountedDay.objects.bulk_create(
            CountedDay(day=start + dt.timedelta(days=n), counted_at=now)
            for n in range((end - start).days + 1)
        )
    log.info("insights counts rebuilt", extra={"start": str(start), "end": str(end)})
    return RebuildReport(start=start, end=end, rows=len(rows))
