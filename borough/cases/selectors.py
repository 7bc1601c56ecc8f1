"""Reading one case, with the query count in mind: by reference, its timeline, links,
duplicates, files, viewers, SLA clock and response templates, and what its resident sees.

Lists of cases are in ``lists``, counts in ``dashboard``, possible duplicates in ``nearby``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext

from borough.core.models import AuditEvent
from borough.core.working_days import add_working_days, working_days_between
from borough.notify.services import channels_available

from .models import Case, CaseEvent, CaseLink, ResponseTemplate, Status
from .references import normalise_reference


def case_by_reference(reference: str) -> Case | None:
    normalised = normalise_reference(reference)
    if normalised is None:
        return None
    return (
        Case.objects.select_related(
            "service",
            "team",
            "property__usrn",
            "street",
            "ward",
            "resident",
            "assignee",
            "assisted_by",
            "duplicate_of",
        )
        .filter(reference=normalised)
        .first()
    )


def case_by_idempotency_key(key: str) -> Case | None:
    """The case a submission with this key made, if any (a second click of the same submit)."""
    return Case.objects.filter(idempotency_key=key).only("reference", "team_id").first()


def cases_for_resident(resident) -> QuerySet[Case]:
    return (
        Case.objects.filter(resident=resident)
        .select_related("service", "team")
        .order_by("-created_at")
    )


def case_events(case: Case) -> list[CaseEvent]:
    """Every timeline event of a case, oldest first, with who did it, in one query."""
    return list(case.events.select_related("actor").order_by("at", "id"))


def case_event_get(case: Case, event_id: int) -> CaseEvent | None:
    """One event of ``case`` by id; None if it has no such event."""
    return case.events.filter(pk=event_id).first()


def case_links(case: Case) -> list[dict]:
    """The cases linked to ``case``, each with the link's reason, in one query."""
    links = (
        CaseLink.objects.filter(Q(first=case) | Q(second=case))
        .select_related("first__service", "second__service")
        .order_by("created_at", "id")
    )
    return [{"link": link, "case": link.other(case)} for link in links]


def case_duplicates(case: Case) -> list[Case]:
    """The cases closed as duplicates of ``case``."""
    return list(case.duplicates.order_by("created_at", "id"))


def response_templates_for_case(case: Case) -> list[ResponseTemplate]:
    """Templates of the case's team for its service (or any) and its status (or any)."""
    return list(
        ResponseTemplate.objects.filter(team_id=case.team_id)
        .filter(Q(service__isnull=True) | Q(service_id=case.service_id))
        .filter(Q(status="") | Q(status=case.status))
        .order_by("title")
    )


def response_templates_for_teams(team_ids: set[int] | None) -> QuerySet[ResponseTemplate]:
    """Templates of these teams (``None``: every team), for the management list."""
    templates = ResponseTemplate.objects.select_related("team", "service")
    if team_ids is not None:
        templates = templates.filter(team_id__in=team_ids)
    return templates.order_by("team__name", "title")


def response_template_get(template_id: int) -> ResponseTemplate | None:
    """A response template by id, with its team (whose leads manage it)."""
    return ResponseTemplate.objects.select_related("team").filter(pk=template_id).first()


def case_viewers(case: Case) -> list[dict]:
    """Who viewed the case, per person per day, most recent first, from the audit log.

    Each row: ``name``, ``day`` (a date) and ``times``. One query.
    """
    rows = (
        AuditEvent.objects.filter(object_type="case", object_id=str(case.pk), action="viewed")
        .annotate(day=TruncDate("at", tzinfo=timezone.get_current_timezone()))
        .values("actor_id", "actor__first_name", "actor__last_name", "actor__email", "day")
        .annotate(times=Count("id"))
        .order_by("-day", "actor__first_name", "actor_id")
    )
    return [
        {
            "name": " ".join(filter(None, [row["actor__first_name"], row["actor__last_name"]]))
            or row["actor__email"]
            or "Someone no longer on the system",
            "day": row["day"],
            "times": row["times"],
        }
        for row in rows
    ]


@dataclass(frozen=True)
class SlaClock:
    due_date: dt.date
    working_days_left: int  # negative when overdue
    is_open: bool

    @property
    def overdue_by(self) -> int:
        return -self.working_days_left


def sla_clock(case: Case, today: dt.date | None = None) -> SlaClock:
    """How long is left to deal with the case, in working days (negative: overdue)."""
    today = today or timezone.localdate()
    left = working_days_between(today, case.due_date)  # negative once the due date has passed
    return SlaClock(due_date=case.due_date, working_days_left=left, is_open=case.is_open)


def case_attachments(case: Case) -> list[dict]:
    """Files the resident gave in their answers: question id, label, name, type and size."""
    return [
        {
            "question_id": question.id,
            "label": question.label,
            "name": case.answers[question.id]["name"],
            "content_type": case.answers[question.id]["content_type"],
            "size": case.answers[question.id]["size"],
        }
        for question in case.service.form.questions
        if question.type == "file" and isinstance(case.answers.get(question.id), dict)
    ]


def sla_at_risk_until(today: dt.date) -> dt.date:
    """The last due date that makes an open case "at risk" today (working days, bank holidays
    included): with the default setting of 1, a case due today or on the next working day."""
    return add_working_days(today, settings.SLA_AT_RISK_WORKING_DAYS)


# ------------------------------------------------------------------- what residents see


def case_public_events(case: Case) -> list[CaseEvent]:
    """The timeline a resident sees: public events only, oldest first, without staff names."""
    return list(case.events.filter(is_public=True).order_by("at", "id"))


def case_for_resident(resident, reference: str) -> Case | None:
    """One of this resident's own cases by reference; None for anyone else's (or none)."""
    if resident is None:
        return None
    case = case_by_reference(reference)
    if case is None or case.resident_id != resident.pk:
        return None
    return case


def case_reopen_state(case: Case):
    """The workflow state a closed case goes back to when the resident says it is not fixed:
    the first state the workflow allows next that is open, preferring a "received" one."""
    flow = case.service.flow
    allowed = [s for s in flow.next_states(case.current_state.key) if not s.is_closing]
    return next((s for s in allowed if s.status == Status.NEW), None) or next(iter(allowed), None)


def case_not_fixed_refusal(case: Case, *, now: dt.datetime) -> str | None:
    """Why the resident may not say this case is not fixed, or None if they may."""
    if case.is_open:
        return gettext("This request is still open")
    if not case.service.not_fixed_online:
        return gettext(
            "There is nothing to be fixed on this request. Contact us if something is wrong"
        )
    if case.resolution == "duplicate":
        return gettext("This request was closed because someone had already reported it")
    if case.closed_at and now - case.closed_at > dt.timedelta(days=settings.BOROUGH_NOT_FIXED_DAYS):
        return gettext(
            "This request was closed more than %(days)s days ago. Report the problem again"
        ) % {"days": settings.BOROUGH_NOT_FIXED_DAYS}
    if case_reopen_state(case) is None:
        return gettext("This request cannot be reopened online. Report the problem again")
    return None


@dataclass
class ResidentRequest:
    case: Case
    last_update: CaseEvent | None


def resident_requests(resident, *, limit: int = 100) -> list[ResidentRequest]:
    """A resident's requests, newest first, each with its latest public event (two queries)."""
    cases = list(cases_for_resident(resident)[:limit])
    latest: dict[int, CaseEvent] = {}
    for event in CaseEvent.objects.filter(case__in=cases, is_public=True).order_by("at", "id"):
        latest[event.case_id] = event
    return [ResidentRequest(case=case, last_update=latest.get(case.pk)) for case in cases]


@dataclass(frozen=True)
class ContactRoute:
    """How to reach the resident about a case: a channel (email, sms, letter) and where."""

    channel: str
    to: str = ""
    address: tuple[str, ...] = ()


def _home_lines(resident) -> tuple[str, ...]:
    household = resident.household if resident is not None else None
    if household is None or household.moved_out is not None:
        return ()
    return tuple(household.property.lines)


def case_contact_route(case: Case, *, update: bool = False) -> ContactRoute | None:
    """How to tell the resident about a case (issue 20): the way they chose for this request,
    else the way they chose in MyAccount, else email if we have an address, else a text if
    we have a mobile, else a letter to their home. People with no email or phone get letters.

    For updates (not the acknowledgement), a resident who turned updates off in MyAccount is
    not written to. ``None`` when we hold no way to reach them: then nothing is sent, and no
    page may say it will be.
    """
    resident = case.resident
    if resident is not None and update and not resident.email_updates:
        return None
    email = case_contact_email(case) or ""
    phone = resident.phone if resident is not None else ""
    home = _home_lines(resident)
    available = channels_available()
    routes = {
        "email": ContactRoute("email", to=email) if email else None,
        "sms": ContactRoute("sms", to=phone) if phone and "sms" in available else None,
        "letter": ContactRoute("letter", address=home)
        if len(home) >= 3 and "letter" in available
        else None,
    }
    for choice in (case.contact_by, resident.contact_by if resident is not None else ""):
        if choice and routes.get(choice):
            return routes[choice]
    return routes["email"] or routes["sms"] or routes["letter"]


def contact_choices(resident) -> list[str]:
    """The ways a resident can be reached, in the order offered: each one we hold details for."""
    if resident is None:
        return []
    home = _home_lines(resident)
    available = channels_available()
    return [
        channel
        for channel, held in (
            ("email", resident.email),
            ("sms", resident.phone),
            ("letter", len(home) >= 3),
        )
        if held and channel in available
    ]


def case_contact_email(case: Case, *, update: bool = False) -> str | None:
    """Where to write to the resident about a case: their record, or an email they answered.

    For updates (not the acknowledgement), a resident who turned email updates off in
    MyAccount is not written to. ``None`` when we hold no address: then nothing is emailed,
    and no page may say it will be.
    """
    if case.resident and case.resident.email:
        if update and not case.resident.email_updates:
            return None
        return case.resident.email
    return next(
        (
            case.answers.get(q.id)
            for q in case.service.form.questions
            if q.type == "email" and case.answers.get(q.id)
        ),
        None,
    )
