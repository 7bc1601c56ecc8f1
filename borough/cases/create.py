"""Making a case: one entry point for new cases from every channel, ``case_create``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from borough.accounts.organisation_policies import may_act_for_organisation
from borough.accounts.policies import may_create_case
from borough.catalogue.answers import validate_answers
from borough.catalogue.models import Service
from borough.catalogue.uploads import uploads_attach, uploads_refused
from borough.contacts.models import Contact, FormSession
from borough.contacts.services import contact_record, form_session_finish
from borough.core.actors import Actor, ApiClientActor, StaffActor, staff_user
from borough.core.working_days import add_working_days
from borough.places.selectors import Gazetteer, property_get, street_get

from .errors import CaseInvalid, refuse_unless
from .models import Case, CaseEvent, Priority
from .references import new_reference
from .side_effects import acknowledge_on_commit
from .signals import announce_on_commit


@dataclass
class _Location:
    property: Any = None
    street: Any = None
    description: str = ""
    fields: dict = field(default_factory=dict)
    latitude: float | None = None  # a map pin's point, where the resident dropped one
    longitude: float | None = None


def _locate(service: Service, answers: dict[str, Any]) -> _Location:
    question = service.form.location_question
    if question is None or answers.get(question.id) is None:
        return _Location()
    value = answers[question.id]
    if question.type == "address":
        prop = property_get(value)
        assert prop is not None  # the form's answer is a property that exists
        return _Location(property=prop, street=prop.usrn)
    if value.get("uprn"):
        prop = property_get(value["uprn"])
        assert prop is not None  # the form's answer is a property that exists
        return _Location(property=prop, street=prop.usrn, description=value["description"])
    return _Location(
        street=street_get(value["usrn"]),
        description=value["description"],
        latitude=value.get("latitude"),
        longitude=value.get("longitude"),
    )


def case_create(
    *,
    actor: Actor,
    service: Service,
    answers: dict[str, Any],
    channel: str,
    resident=None,
    priority: int = Priority.NORMAL,
    idempotency_key: str | None = None,
    form_session_token=None,
    contact_reason: str = "",
    contact_duration_seconds: int | None = None,
    contact=None,
    latitude=None,
    longitude=None,
    contact_by: str = "",
    organisation=None,
) -> Case:
    """Create a case from answers to a service's form, on any channel.

    ``actor`` is who is raising it: the resident, a member of staff for them (recorded as
    ``Case.assisted_by``), an API client or Borough itself. ``resident`` is whom it is for.
    ``latitude``/``longitude`` are the point a client reported (Open311); without them the
    case takes its property's coordinates. ``contact`` is the contact the resident is in
    already (a chat's), which the request is recorded on instead of a new one.
    ``contact_by`` is how the resident chose to hear about this request (email, sms, letter;
    "" follows their MyAccount choice).

    Checks the answers against the service's form definition (raising ``CaseInvalid`` with
    every error), finds the location, sets the team and the due date from the SLA in working
    days, and writes the case, its first timeline event and the contact in one transaction.
    With an ``idempotency_key`` already used, returns the case made the first time instead of
    making another (a double-clicked submit, a client retrying a request).

    ``organisation`` is the organisation it is made for (issue 26): only its members may
    (staff raising it for them too).
    """
    refuse_unless(may_create_case(actor))
    if organisation is not None and not isinstance(actor, StaffActor):
        refuse_unless(may_act_for_organisation(actor, organisation))
    assisted_by = staff_user(actor)
    if idempotency_key:
        existing = Case.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    cleaned, errors = validate_answers(service.form, answers, places=Gazetteer())
    errors = {**uploads_refused(service.form, cleaned, actor), **errors}
    if errors:
        raise CaseInvalid(errors)
    location = _locate(service, cleaned)
    initial = service.flow.state(service.flow.initial)
    assert initial is not None  # a workflow's initial is one of its states
    now = timezone.now()
    prop = location.property
    try:
        with transaction.atomic():
            case = _insert_with_unique_reference(
                service=service,
                team_id=service.team_id,
                status=initial.status,
                state=service.flow.initial,
                priority=priority,
                channel=channel,
                answers=cleaned,
                resident=resident,
                property=prop,
                street=location.street,
                ward_id=prop.ward_id if prop else None,
                latitude=_first(latitude, location.latitude, prop.latitude if prop else None),
                longitude=_first(longitude, location.longitude, prop.longitude if prop else None),
                location_description=location.description,
                assisted_by=assisted_by,
                api_client_id=actor.client_id if isinstance(actor, ApiClientActor) else None,
                due_date=add_working_days(timezone.localdate(now), service.sla_working_days),
                created_at=now,
                updated_at=now,
                idempotency_key=idempotency_key or None,
                contact_by=contact_by if contact_by in ("email", "sms", "letter") else "",
                organisation=organisation,
            )
            taken = uploads_attach(case_id=case.pk, form=service.form, answers=cleaned)
            if taken:  # another request used the same upload first: make nothing
                raise CaseInvalid(taken)
            created_event = CaseEvent.objects.create(
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
                into=contact,
            )
            if form_session_token:
                form_session_finish(
                    token=form_session_token, outcome=FormSession.Outcome.SUBMITTED, case=case
                )
            acknowledge_on_commit(case.pk)
            announce_on_commit(created_event)
    except IntegrityError:
        # Another request with the same idempotency key won the race: return its case.
        if idempotency_key:
            existing = Case.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing
        raise
    return case


def _first(*values):
    """The first of ``values`` that is not None (a client's point, a pin, the property's)."""
    return next((value for value in values if value is not None), None)


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
