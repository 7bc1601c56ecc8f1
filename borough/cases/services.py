"""Every write to a case. One entry point for new cases from any channel: ``case_create``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from borough.catalogue.answers import validate_answers
from borough.catalogue.models import Service
from borough.contacts.models import Contact, FormSession
from borough.contacts.services import contact_record, form_session_finish
from borough.core.working_days import add_working_days
from borough.places.selectors import Gazetteer, property_get, street_get

from .models import TRANSITIONS, Case, CaseEvent, Priority, Resolution, Status
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
    contact_duration_seconds: int | None = None,
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
                status=Status.NEW,
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
                duration_seconds=contact_duration_seconds,
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
    to_status: str,
    actor,
    resolution: str = "",
    note: str = "",
    expected_version: int | None = None,
) -> Case:
    """Move a case to another status, if its workflow allows it. Writes one timeline event."""
    case = _lock(case, expected_version)
    if to_status not in TRANSITIONS:
        raise TransitionRefused(f"{to_status!r} is not a status")
    if to_status not in TRANSITIONS[case.status]:
        raise TransitionRefused(
            f"A case that is {case.get_status_display().lower()} cannot be moved to "
            f"{Status(to_status).label.lower()}"
        )
    if to_status == Status.CLOSED and resolution not in Resolution.values:
        raise TransitionRefused("Choose how the request was resolved before closing it")
    from_status = case.status
    case.status = to_status
    case.resolution = resolution if to_status == Status.CLOSED else ""
    case.closed_at = timezone.now() if to_status == Status.CLOSED else None
    event = _record(
        case,
        kind=CaseEvent.Kind.STATUS_CHANGED,
        actor=actor,
        text=note.strip(),
        public=True,
        data={"from": from_status, "to": to_status, "resolution": case.resolution},
        fields=("status", "resolution", "closed_at"),
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
