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


@transaction.atomic
def case_transition(
    *, case: Case, to_status: str, actor, resolution: str = "", note: str = ""
) -> Case:
    """Move a case to another status, if its workflow allows it. Writes one timeline event."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if to_status not in TRANSITIONS:
        raise TransitionRefused(f"{to_status!r} is not a status")
    if to_status not in TRANSITIONS[case.status]:
        raise TransitionRefused(
            f"A case that is {case.get_status_display().lower()} cannot be moved to "
            f"{Status(to_status).label.lower()}"
        )
    if to_status == Status.CLOSED and resolution not in Resolution.values:
        raise TransitionRefused("Choose how the request was resolved before closing it")
    now = timezone.now()
    from_status = case.status
    case.status = to_status
    case.resolution = resolution if to_status == Status.CLOSED else ""
    case.closed_at = now if to_status == Status.CLOSED else None
    case.updated_at = now
    case.save(update_fields=["status", "resolution", "closed_at", "updated_at"])
    CaseEvent.objects.create(
        case=case,
        at=now,
        kind=CaseEvent.Kind.STATUS_CHANGED,
        actor=actor,
        is_public=True,
        text=note,
        data={"from": from_status, "to": to_status, "resolution": case.resolution},
    )
    return case
