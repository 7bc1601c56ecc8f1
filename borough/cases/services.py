"""Every write to a case. One entry point for new cases from any channel: ``case_create``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from borough.accounts.models import Membership, Role
from borough.catalogue.answers import validate_answers
from borough.catalogue.models import Service
from borough.contacts.models import Contact, FormSession
from borough.contacts.services import contact_record, form_session_finish
from borough.core.working_days import add_working_days
from borough.places.selectors import Gazetteer, property_get, street_get

from .models import OPEN_STATUSES, Case, CaseEvent, Priority, Resolution, Status
from .references import new_reference


class CaseInvalid(ValueError):
    """The answers cannot make a case. ``errors`` maps question ids to messages."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{key}: {message}" for key, message in errors.items()))


class TransitionRefused(ValueError):
    """A status change the workflow does not allow. ``str(error)`` says why."""


@dataclass
class _Location:
    property: Any = None
    street: Any = None
    description: str = ""
    fields: dict = field(default_factory=dict)


def _locate(service: Service, answers: dict[str, Any]) -> _Location:
    question = service.form.location_question
    if question is None or answers.get(question.id) is None:
        return _Location()
    value = answers[question.id]
    if question.type == "address":
        prop = property_get(value)
        return _Location(property=prop, street=prop.usrn)
    if value.get("uprn"):
        prop = property_get(value["uprn"])
        return _Location(property=prop, street=prop.usrn, description=value["description"])
    return _Location(street=street_get(value["usrn"]), description=value["description"])


def case_create(
    *,
    service: Service,
    answers: dict[str, Any],
    channel: str,
    resident=None,
    assisted_by=None,
    priority: int = Priority.NORMAL,
    idempotency_key: str | None = None,
    form_session_token=None,
    contact_reason: str = "",
) -> Case:
    """Create a case from answers to a service's form, on any channel.

    Checks the answers against the service's form definition (raising ``CaseInvalid`` with
    every error), finds the location, sets the team and the due date from the SLA in working
    days, and writes the case, its first timeline event and the contact in one transaction.
    With an ``idempotency_key`` already used, returns the case made the first time instead of
    making another (a double-clicked submit, a client retrying a request).
    """
    if idempotency_key:
        existing = Case.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    cleaned, errors = validate_answers(service.form, answers, places=Gazetteer())
    if errors:
        raise CaseInvalid(errors)
    location = _locate(service, cleaned)
    now = timezone.now()
    prop = location.property
    try:
        with transaction.atomic():
            case = _insert_with_unique_reference(
                service=service,
                team_id=service.team_id,
                status=service.flow.state(service.flow.initial).status,
                state=service.flow.initial,
                priority=priority,
                channel=channel,
                answers=cleaned,
                resident=resident,
                property=prop,
                street=location.street,
                ward_id=prop.ward_id if prop else None,
                latitude=prop.latitude if prop else None,
                longitude=prop.longitude if prop else None,
                location_description=location.description,
                assisted_by=assisted_by,
                due_date=add_working_days(timezone.localdate(now), service.sla_working_days),
                created_at=now,
                updated_at=now,
                idempotency_key=idempotency_key or None,
            )
            CaseEvent.objects.create(
                case=case,
                at=now,
                kind=CaseEvent.Kind.CREATED,
                actor=assisted_by,
                is_public=True,
                data={"channel": channel},
                text=f"Your request was received. We aim to deal with it by "
                f"{case.due_date.day} {case.due_date:%B %Y}.",
            )
            contact_record(
                channel=channel,
                resident=resident,
                case=case,
                service=service,
                handled_by=assisted_by,
                started_at=now,
                reason=contact_reason or service.name,
                outcome=Contact.Outcome.REQUEST_RAISED,
            )
            if form_session_token:
                form_session_finish(
                    token=form_session_token, outcome=FormSession.Outcome.SUBMITTED, case=case
                )
            transaction.on_commit(lambda: _queue_acknowledgement(case.pk))
    except IntegrityError:
        # Another request with the same idempotency key won the race: return its case.
        if idempotency_key:
            existing = Case.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing
        raise
    return case


def _insert_with_unique_reference(**fields) -> Case:
    for _ in range(5):
        try:
            with transaction.atomic():
                return Case.objects.create(reference=new_reference(), **fields)
        except IntegrityError:
            if (
                fields.get("idempotency_key")
                and Case.objects.filter(idempotency_key=fields["idempotency_key"]).exists()
            ):
                raise
    raise IntegrityError("could not find a free case reference")


def _queue_acknowledgement(case_id: int) -> None:
    from .tasks import case_acknowledge

    case_acknowledge(case_id)


class CaseChanged(ValueError):
    """Someone else changed the case since it was read. ``str(error)`` says so in plain words."""


def _lock(case: Case, expected_version: int | None) -> Case:
    """The case, locked for update, refusing the change if it moved on since it was read."""
    current = Case.objects.select_for_update().get(pk=case.pk)
    if expected_version is not None and current.version != expected_version:
        latest = current.events.order_by("-at", "-id").select_related("actor").first()
        who = f" by {latest.actor}" if latest and latest.actor else ""
        raise CaseChanged(
            f"This case was changed{who} while you were looking at it. Nothing you entered "
            "was saved: check the latest version below and try again."
        )
    return current


def _record(
    case: Case,
    *,
    kind: str,
    actor,
    text: str = "",
    data: dict | None = None,
    public: bool = False,
    fields: tuple[str, ...] = (),
) -> CaseEvent:
    """Save the changed fields with a new version and write the one timeline event."""
    now = timezone.now()
    case.version += 1
    case.updated_at = now
    case.save(update_fields=[*fields, "version", "updated_at"])
    return CaseEvent.objects.create(
        case=case, at=now, kind=kind, actor=actor, is_public=public, text=text, data=data or {}
    )


@transaction.atomic
def case_transition(
    *,
    case: Case,
    to_state: str = "",
    to_status: str = "",
    actor,
    resolution: str = "",
    note: str = "",
    expected_version: int | None = None,
) -> Case:
    """Move a case to another state of its service's workflow, if the workflow allows it.

    ``to_status`` is for callers that only know base statuses: a state key, or a base status,
    which picks the first allowed next state with that status (and the given resolution, if
    one has it). In the default workflow the states are the base statuses.

    Sets ``status`` to the state's base status and, for a closing state, the resolution: the
    state's own, or the one staff chose. Writes one timeline event, with the state labels as
    they were at the time.
    """
    case = _lock(case, expected_version)
    flow = case.service.flow
    target = flow.state(to_state or to_status)
    if target is None and not to_state and to_status in Status.values:
        # A caller that only knows base statuses (a bulk action, an API client): the first
        # allowed next state with that status, preferring the resolution asked for.
        allowed = [s for s in flow.next_states(case.current_state.key) if s.status == to_status]
        target = next((s for s in allowed if s.resolution == resolution), None) or next(
            iter(allowed), None
        )
        if target is None:
            raise TransitionRefused(
                f"A case that is {case.current_state.label.lower()} cannot be moved to "
                f"{Status(to_status).label.lower()}"
            )
    to_state = to_state or to_status
    if target is None:
        raise TransitionRefused(f"Choose a status from the list ({str(to_state)!r} is not one)")
    current = case.current_state
    if target.key not in {s.key for s in flow.next_states(current.key)}:
        raise TransitionRefused(
            f"A case that is {current.label.lower()} cannot be moved to {target.label.lower()}"
        )
    if target.is_closing:
        resolution = target.resolution or resolution
        if resolution not in Resolution.values:
            raise TransitionRefused("Choose how the request was resolved before closing it")
    from_state, from_status = current.key, case.status
    case.state = target.key
    case.status = target.status
    case.resolution = resolution if target.is_closing else ""
    if target.is_closing:
        case.closed_at = case.closed_at if from_status == Status.CLOSED else timezone.now()
    else:
        case.closed_at = None
    event = _record(
        case,
        kind=CaseEvent.Kind.STATUS_CHANGED,
        actor=actor,
        text=note.strip(),
        public=True,
        data={
            "from": from_state,
            "to": target.key,
            "from_status": from_status,
            "status": target.status,
            "to_label": target.label,
            "to_public_label": target.public_label,
            "resolution": case.resolution,
        },
        fields=("state", "status", "resolution", "closed_at"),
    )
    if note.strip():
        transaction.on_commit(lambda: _queue_update_email(event.pk))
    return case


@transaction.atomic
def case_assign(*, case: Case, assignee, actor, expected_version: int | None = None) -> Case:
    """Give the case to a member of its team, or take it off anyone (``assignee=None``)."""
    case = _lock(case, expected_version)
    if assignee is not None and not assignee.memberships.filter(team_id=case.team_id).exists():
        raise TransitionRefused(f"{assignee} is not in the {case.team} team")
    if case.assignee_id == (assignee.pk if assignee else None):
        return case
    case.assignee = assignee
    _record(
        case,
        kind=CaseEvent.Kind.ASSIGNED,
        actor=actor,
        text=f"Assigned to {assignee}" if assignee else "No longer assigned",
        data={"to": assignee.pk if assignee else None},
        fields=("assignee",),
    )
    return case


@transaction.atomic
def case_set_priority(
    *, case: Case, priority: int, actor, expected_version: int | None = None
) -> Case:
    """Change how urgent the case is."""
    case = _lock(case, expected_version)
    if priority not in Priority.values:
        raise TransitionRefused("Choose a priority from the list")
    if case.priority == priority:
        return case
    previous = case.priority
    case.priority = priority
    _record(
        case,
        kind=CaseEvent.Kind.PRIORITY_CHANGED,
        actor=actor,
        text=f"Priority changed to {Priority(priority).label.lower()}",
        data={"from": previous, "to": priority},
        fields=("priority",),
    )
    return case


@transaction.atomic
def case_add_note(
    *, case: Case, text: str, actor, public: bool, expected_version: int | None = None
) -> CaseEvent:
    """Add an internal note (staff only) or a public update (the resident sees it and is told)."""
    case = _lock(case, expected_version)
    text = text.strip()
    if not text:
        raise TransitionRefused("Enter the note" if not public else "Enter the update")
    if len(text) > 2000:
        raise TransitionRefused("The note must be 2,000 characters or less")
    event = _record(
        case,
        kind=CaseEvent.Kind.PUBLIC_UPDATE if public else CaseEvent.Kind.NOTE,
        actor=actor,
        text=text,
        public=public,
    )
    if public:
        transaction.on_commit(lambda: _queue_update_email(event.pk))
    return event


def _queue_update_email(event_id: int) -> None:
    from .tasks import case_update_email

    case_update_email(event_id)


# ---------------------------------------------------------------------------- SLA watch

_BATCH = 500
_EMAIL_LIST = 50  # cases listed in one escalation email; the rest are linked


@dataclass
class SlaReport:
    """What one run of ``sla_check`` did: the cases newly at risk or overdue, who was told."""

    at_risk: list[int] = field(default_factory=list)
    overdue: list[int] = field(default_factory=list)
    told: dict[str, list[str]] = field(default_factory=dict)  # team lead email -> references

    def summary(self) -> str:
        return (
            f"{len(self.at_risk)} newly at risk, {len(self.overdue)} newly overdue, "
            f"{len(self.told)} team lead(s) emailed"
        )


def _batches(items: list, size: int = _BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def sla_check(*, now: dt.datetime) -> SlaReport:
    """Mark open cases at risk (due within ``SLA_AT_RISK_WORKING_DAYS`` working days) or overdue
    (past their due date), each once, with one timeline event; tell the team leads of the
    teams with newly overdue cases, by email and on each case's timeline.

    Idempotent: ``Case.at_risk_at`` and ``Case.overdue_at`` record that a case was marked, so a
    second run finds nothing new. Bulk queries only: the number of queries depends on the
    number of batches of 500 cases, never on each case. These markers are not a change made
    by staff, so they do not bump ``Case.version`` (an officer's open page stays valid).
    """
    from .selectors import sla_at_risk_until

    today = timezone.localdate(now)
    report = SlaReport()
    emails: list[EmailMessage] = []
    with transaction.atomic():
        open_cases = Case.objects.select_for_update(skip_locked=True, of=("self",)).filter(
            status__in=OPEN_STATUSES
        )
        at_risk = list(
            open_cases.filter(
                at_risk_at__isnull=True,
                due_date__gte=today,
                due_date__lte=sla_at_risk_until(today),
            ).values_list("pk", "due_date")
        )
        overdue = list(
            open_cases.filter(overdue_at__isnull=True, due_date__lt=today)
            .order_by("team_id", "due_date", "pk")
            .values_list("pk", "due_date", "team_id", "reference", "service__name")
        )
        events = [
            CaseEvent(
                case_id=pk,
                at=now,
                kind=CaseEvent.Kind.AT_RISK,
                text=f"Due {_day(due)}: at risk of missing it",
                data={"due_date": due.isoformat()},
            )
            for pk, due in at_risk
        ]
        for batch in _batches([pk for pk, _ in at_risk]):
            Case.objects.filter(pk__in=batch).update(at_risk_at=now)
        report.at_risk = [pk for pk, _ in at_risk]

        leads: dict[int, list] = {}
        if overdue:
            memberships = Membership.objects.filter(
                team_id__in={row[2] for row in overdue},
                role=Role.TEAM_LEAD,
                user__is_active=True,
            ).select_related("user", "team")
            for membership in memberships.order_by("user__first_name", "user__email"):
                leads.setdefault(membership.team_id, []).append(membership.user)
        by_team: dict[int, list[tuple]] = {}
        for pk, due, team_id, reference, service_name in overdue:
            events.append(
                CaseEvent(
                    case_id=pk,
                    at=now,
                    kind=CaseEvent.Kind.OVERDUE,
                    text=f"Was due {_day(due)}",
                    data={"due_date": due.isoformat()},
                )
            )
            told = leads.get(team_id, [])
            if told:
                events.append(
                    CaseEvent(
                        case_id=pk,
                        at=now,
                        kind=CaseEvent.Kind.ESCALATED,
                        text="Team lead told: " + ", ".join(str(user) for user in told),
                        data={"told": [user.pk for user in told]},
                    )
                )
            by_team.setdefault(team_id, []).append((reference, service_name, due))
        for batch in _batches([row[0] for row in overdue]):
            Case.objects.filter(pk__in=batch).update(overdue_at=now)
        report.overdue = [row[0] for row in overdue]
        CaseEvent.objects.bulk_create(events, batch_size=_BATCH)

        for team_id, rows in by_team.items():
            for lead in leads.get(team_id, []):
                emails.append(_escalation_email(lead, rows))
                report.told[lead.email] = [reference for reference, _, _ in rows]
    if emails:
        # After the commit: a failed send must not undo the markers (the timeline says who was
        # meant to be told), and a rollback must not leave emails about cases never marked.
        get_connection().send_messages(emails)
    return report


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _escalation_email(lead, rows: list[tuple]) -> EmailMessage:
    count = len(rows)
    lines = [
        f"{reference}  {service_name}  (due {_day(due)})  "
        f"{settings.SITE_URL}{reverse('hub:case', args=[reference])}"
        for reference, service_name, due in rows[:_EMAIL_LIST]
    ]
    if count > _EMAIL_LIST:
        lines.append(
            f"and {count - _EMAIL_LIST:,} more: {settings.SITE_URL}{reverse('hub:cases')}"
            "?overdue=1&sort=due"
        )
    return EmailMessage(
        subject=f"{count} case{'s are' if count != 1 else ' is'} now overdue",
        body=(
            f"Hello {lead.first_name or lead},\n\n"
            f"{'These cases' if count != 1 else 'This case'} in your team passed "
            f"{'their' if count != 1 else 'its'} due date:\n\n"
            + "\n".join(lines)
            + f"\n\nResident Hub\n{settings.COUNCIL_NAME}"
        ),
        to=[lead.email],
    )
