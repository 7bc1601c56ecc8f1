"""Every write to a case. One entry point for new cases from any channel: ``case_create``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from borough.accounts.models import Membership, Role
from borough.accounts.policies import (
    may_change_case,
    may_create_case,
    may_manage_templates,
    may_see_case,
)
from borough.catalogue.answers import validate_answers
from borough.catalogue.models import Service
from borough.contacts.models import Contact, FormSession
from borough.contacts.services import contact_record, form_session_finish
from borough.core.actors import Actor, acting_user, staff_user
from borough.core.channels import Channel
from borough.core.working_days import add_working_days
from borough.notify.services import send_email
from borough.places.selectors import Gazetteer, property_get, street_get

from .models import (
    OPEN_STATUSES,
    Case,
    CaseEvent,
    CaseLink,
    Priority,
    Resolution,
    ResponseTemplate,
    Status,
)
from .references import new_reference
from .responses import placeholder_problems
from .signals import announce_on_commit


class CaseInvalid(ValueError):
    """The answers cannot make a case. ``errors`` maps question ids to messages."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{key}: {message}" for key, message in errors.items()))


class TransitionRefused(ValueError):
    """A change the workflow or the rules do not allow. ``str(error)`` says why.

    ``field`` names the input the message is about, when it is not the action's main one.
    """

    def __init__(self, message: str, *, field: str = ""):
        super().__init__(message)
        self.field = field


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
) -> Case:
    """Create a case from answers to a service's form, on any channel.

    ``actor`` is who is raising it: the resident, a member of staff for them (recorded as
    ``Case.assisted_by``), an API client or Borough itself. ``resident`` is whom it is for.
    ``latitude``/``longitude`` are the point a client reported (Open311); without them the
    case takes its property's coordinates. ``contact`` is the contact the resident is in
    already (a chat's), which the request is recorded on instead of a new one.

    Checks the answers against the service's form definition (raising ``CaseInvalid`` with
    every error), finds the location, sets the team and the due date from the SLA in working
    days, and writes the case, its first timeline event and the contact in one transaction.
    With an ``idempotency_key`` already used, returns the case made the first time instead of
    making another (a double-clicked submit, a client retrying a request).
    """
    _refuse_unless(may_create_case(actor))
    assisted_by = staff_user(actor)
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
                latitude=latitude if latitude is not None else (prop.latitude if prop else None),
                longitude=(
                    longitude if longitude is not None else (prop.longitude if prop else None)
                ),
                location_description=location.description,
                assisted_by=assisted_by,
                due_date=add_working_days(timezone.localdate(now), service.sla_working_days),
                created_at=now,
                updated_at=now,
                idempotency_key=idempotency_key or None,
            )
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
            transaction.on_commit(lambda: _queue_acknowledgement(case.pk))
            announce_on_commit(created_event)
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
    actor: Actor | None,
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
    event = CaseEvent.objects.create(
        case=case,
        at=now,
        kind=kind,
        actor=acting_user(actor) if actor is not None else None,
        is_public=public,
        text=text,
        data=data or {},
    )
    announce_on_commit(event)  # other apps (integrations) hear of it after the commit
    return event


@transaction.atomic
def case_transition(
    *,
    case: Case,
    to_state: str = "",
    to_status: str = "",
    actor: Actor,
    resolution: str = "",
    note: str = "",
    expected_version: int | None = None,
    source: dict | None = None,
) -> Case:
    """Move a case to another state of its service's workflow, if the workflow allows it.

    ``source`` (optional) records where the change came from on the event (an API client and
    its own id for the update), so a client's retry can be recognised.

    ``to_status`` is for callers that only know base statuses: a state key, or a base status,
    which picks the first allowed next state with that status (and the given resolution, if
    one has it). In the default workflow the states are the base statuses.

    Sets ``status`` to the state's base status and, for a closing state, the resolution: the
    state's own, or the one staff chose. Writes one timeline event, with the state labels as
    they were at the time; a note goes to the resident by email.
    """
    _refuse_unless(may_change_case(actor, case, "transition"))
    case, _event = _transition(
        case=case,
        to_state=to_state,
        to_status=to_status,
        actor=actor,
        resolution=resolution,
        text=note,
        data={"source": source} if source else None,
        expected_version=expected_version,
        email_resident=bool(note.strip()),
    )
    return case


def _transition(
    *,
    case: Case,
    to_state: str,
    to_status: str,
    actor: Actor,
    resolution: str,
    text: str,
    data: dict | None,
    expected_version: int | None,
    email_resident: bool,
) -> tuple[Case, CaseEvent]:
    """``case_transition`` after its policy check, for the actions built on it (an update that
    changes the status, a resident's "not fixed"): their text and data go on the one event."""
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
        text=text.strip(),
        public=True,
        data={
            "from": from_state,
            "to": target.key,
            "from_status": from_status,
            "status": target.status,
            "to_label": target.label,
            "to_public_label": target.public_label,
            "resolution": case.resolution,
            **(data or {}),
        },
        fields=("state", "status", "resolution", "closed_at"),
    )
    if email_resident:
        transaction.on_commit(lambda: _queue_update_email(event.pk))
    return case, event


@transaction.atomic
def case_assign(*, case: Case, assignee, actor: Actor, expected_version: int | None = None) -> Case:
    """Give the case to a member of its team, or take it off anyone (``assignee=None``)."""
    _refuse_unless(may_change_case(actor, case, "assign"))
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
    *, case: Case, priority: int, actor: Actor, expected_version: int | None = None
) -> Case:
    """Change how urgent the case is."""
    _refuse_unless(may_change_case(actor, case, "set_priority"))
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
    *,
    case: Case,
    text: str,
    actor: Actor,
    public: bool,
    expected_version: int | None = None,
    source: dict | None = None,
) -> CaseEvent:
    """Add an internal note (staff only) or a public update (the resident sees it and is told).

    ``source`` as for ``case_transition``.
    """
    _refuse_unless(may_change_case(actor, case, "add_note"))
    return _add_note(
        case=case,
        text=text,
        actor=actor,
        public=public,
        expected_version=expected_version,
        data={"source": source} if source else None,
    )


def _add_note(
    *,
    case: Case,
    text: str,
    actor: Actor,
    public: bool,
    expected_version: int | None,
    data: dict | None,
) -> CaseEvent:
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
        data=data,
    )
    if public:
        transaction.on_commit(lambda: _queue_update_email(event.pk))
    return event


# The longest piece of work one entry may record: a working day.
LONGEST_TIME_RECORDED = 480


@transaction.atomic
def case_record_time(
    *,
    case: Case,
    actor: Actor,
    minutes: str | int,
    note: str = "",
    letter: bool = False,
    expected_version: int | None = None,
) -> CaseEvent:
    """Record staff time spent on a case's back-office work (and a letter posted, if one was).

    One timeline event carries the minutes (``data["minutes"]``), which the insights counts
    turn into spend on business support. A letter posted to the resident is also recorded as an
    outbound letter contact, which the insights counts as print and postage.
    """
    _refuse_unless(may_change_case(actor, case, "record_time"))
    text = str(minutes).strip()
    if not text:
        raise TransitionRefused("Enter the time you spent, in minutes", field="minutes")
    if not text.isdigit() or not 0 < int(text) <= LONGEST_TIME_RECORDED:
        raise TransitionRefused(
            f"Enter the time you spent as a whole number of minutes, from 1 to "
            f"{LONGEST_TIME_RECORDED}",
            field="minutes",
        )
    note = (note or "").strip()
    if len(note) > 500:
        raise TransitionRefused("What you did must be 500 characters or less", field="time_note")
    case = _lock(case, expected_version)
    data = {"minutes": int(text)}
    if letter:
        data["letter"] = True
    event = _record(case, kind=CaseEvent.Kind.TIME_RECORDED, actor=actor, text=note, data=data)
    if letter:
        contact_record(
            channel=Channel.LETTER,
            direction=Contact.Direction.OUTBOUND,
            case=case,
            service=case.service,
            resident=case.resident,
            handled_by=staff_user(actor),
            outcome=Contact.Outcome.UPDATE_GIVEN,
            started_at=event.at,
        )
    return event


def _queue_update_email(event_id: int) -> None:
    from .tasks import case_update_email

    case_update_email(event_id)


class NotAllowed(PermissionDenied):
    """The person may not do this to this case (the hub answers 403)."""


def _refuse_unless(allowed: bool) -> None:
    if not allowed:
        raise NotAllowed


def _lock_pair(case: Case, other: Case, expected_version: int | None) -> tuple[Case, Case]:
    """Lock two cases in id order (so two people acting at once cannot deadlock)."""
    if case.pk < other.pk:
        case = _lock(case, expected_version)
        other = Case.objects.select_for_update().get(pk=other.pk)
    else:
        other = Case.objects.select_for_update().get(pk=other.pk)
        case = _lock(case, expected_version)
    return case, other


@transaction.atomic
def case_send_update(
    *,
    case: Case,
    text: str,
    actor: Actor,
    to_status: str = "",
    resolution: str = "",
    template: ResponseTemplate | None = None,
    expected_version: int | None = None,
) -> Case:
    """Send the resident a public update, changing the status in the same step if asked.

    One timeline event either way: a public update, or a status change carrying the message.
    The resident is emailed. ``template`` only records which wording it started from.
    """
    _refuse_unless(may_change_case(actor, case, "send_update"))
    text = text.strip()
    if not text:
        raise TransitionRefused("Enter the update", field="text")
    if len(text) > 2000:
        raise TransitionRefused("The update must be 2,000 characters or less", field="text")
    data = {"template": template.pk, "template_title": template.title} if template else None
    if to_status and to_status != case.status:
        case, _event = _transition(
            case=case,
            to_state="",
            to_status=to_status,
            actor=actor,
            resolution=resolution,
            text=text,
            data=data,
            expected_version=expected_version,
            email_resident=True,
        )
        return case
    event = _add_note(
        case=case,
        text=text,
        actor=actor,
        public=True,
        expected_version=expected_version,
        data=data,
    )
    return event.case


def duplicate_root(case: Case) -> Case:
    """The original a chain of duplicates leads to (``case`` itself if it is no duplicate)."""
    seen = {case.pk}
    while case.duplicate_of_id is not None:
        case = Case.objects.select_related("service", "team").get(pk=case.duplicate_of_id)
        if case.pk in seen:  # never expected; stop rather than loop
            break
        seen.add(case.pk)
    return case


@transaction.atomic
def case_mark_duplicate(
    *, case: Case, original: Case, actor: Actor, expected_version: int | None = None
) -> Case:
    """Close ``case`` as a duplicate of ``original`` (or of the case ``original`` duplicates).

    Refused for the case itself, a case of another service, a case that is already closed,
    and a case that others are duplicates of. Writes one event on each case: a public update
    on the duplicate, pointing the resident to the original's reference (emailed), and an
    internal note on the original.
    """
    _refuse_unless(may_change_case(actor, case, "mark_duplicate"))
    _refuse_unless(may_see_case(actor, original))
    original = duplicate_root(original)
    if original.pk == case.pk:
        raise TransitionRefused("A case cannot be a duplicate of itself")
    case, original = _lock_pair(case, original, expected_version)
    if case.duplicate_of_id:
        raise TransitionRefused(
            f"This case is already closed as a duplicate of {case.duplicate_of.reference}"
        )
    if not case.is_open:
        raise TransitionRefused("This case is closed. Reopen it before marking it as a duplicate")
    if original.service_id != case.service_id:
        raise TransitionRefused(
            f"{original.reference} is a request for a different service "
            f"({original.service.name}). Link the cases instead"
        )
    if case.duplicates.exists():
        raise TransitionRefused(
            "Other cases are duplicates of this one. Mark the other case as a duplicate of "
            "this one instead"
        )
    from_status = case.status
    now = timezone.now()
    # The service's own closing state for duplicates (or its first closing state).
    case.state = case.service.flow.state_for_status(Status.CLOSED, Resolution.DUPLICATE).key
    case.status = Status.CLOSED
    case.resolution = Resolution.DUPLICATE
    case.closed_at = now
    case.duplicate_of = original
    event = _record(
        case,
        kind=CaseEvent.Kind.MARKED_DUPLICATE,
        actor=actor,
        public=True,
        text=(
            f"Someone has already reported this and we are dealing with it under reference "
            f"{original.reference}. We have closed your request {case.reference} so that "
            f"the work is only done once. Use reference {original.reference} if you contact us "
            f"about it."
        ),
        data={
            "original": original.reference,
            "from": from_status,
            "to": Status.CLOSED,
            "resolution": Resolution.DUPLICATE,
        },
        fields=("state", "status", "resolution", "closed_at", "duplicate_of"),
    )
    _record(
        original,
        kind=CaseEvent.Kind.DUPLICATE_ATTACHED,
        actor=actor,
        data={"duplicate": case.reference},
    )
    transaction.on_commit(lambda: _queue_update_email(event.pk))
    return case


def _link_refusal(case: Case, other: Case) -> str | None:
    if other.pk == case.pk:
        return "A case cannot be linked to itself"
    first, second = sorted((case.pk, other.pk))
    if CaseLink.objects.filter(first_id=first, second_id=second).exists():
        return f"This case is already linked to {other.reference}"
    return None


@transaction.atomic
def case_link(
    *,
    case: Case,
    other: Case,
    actor: Actor,
    reason: str = "",
    expected_version: int | None = None,
) -> CaseLink:
    """Link two related cases (both ways), with an optional reason. One event on each."""
    _refuse_unless(may_change_case(actor, case, "link"))
    _refuse_unless(may_see_case(actor, other))
    reason = reason.strip()
    if len(reason) > 500:
        raise TransitionRefused("The reason must be 500 characters or less", field="reason")
    if other.pk == case.pk:
        raise TransitionRefused("A case cannot be linked to itself")
    case, other = _lock_pair(case, other, expected_version)
    refusal = _link_refusal(case, other)
    if refusal:
        raise TransitionRefused(refusal)
    first, second = sorted((case, other), key=lambda item: item.pk)
    link = CaseLink.objects.create(
        first=first,
        second=second,
        reason=reason,
        created_by=acting_user(actor),
        created_at=timezone.now(),
    )
    for this, that in ((case, other), (other, case)):
        _record(
            this,
            kind=CaseEvent.Kind.LINKED,
            actor=actor,
            text=reason,
            data={"other": that.reference, "link": link.pk},
        )
    return link


@transaction.atomic
def case_unlink(
    *, case: Case, other: Case, actor: Actor, expected_version: int | None = None
) -> None:
    """Remove the link between two cases. One event on each."""
    _refuse_unless(may_change_case(actor, case, "link"))
    case, other = _lock_pair(case, other, expected_version)
    first, second = sorted((case.pk, other.pk))
    deleted, _ = CaseLink.objects.filter(first_id=first, second_id=second).delete()
    if not deleted:
        raise TransitionRefused(f"This case is not linked to {other.reference}")
    for this, that in ((case, other), (other, case)):
        _record(this, kind=CaseEvent.Kind.UNLINKED, actor=actor, data={"other": that.reference})


@transaction.atomic
def case_transfer(
    *, case: Case, team, reason: str, actor: Actor, expected_version: int | None = None
) -> Case:
    """Move a case to another team, with a reason. The due date stays; the assignee is cleared.

    Allowed to officers and team leads of the case's current team, and to admins.
    """
    _refuse_unless(may_change_case(actor, case, "transfer"))
    case = _lock(case, expected_version)
    reason = reason.strip()
    if team is None:
        raise TransitionRefused("Choose the team to transfer the case to")
    if team.pk == case.team_id:
        raise TransitionRefused(f"The case is already with the {team} team")
    if not reason:
        raise TransitionRefused("Enter why the case is being transferred", field="reason")
    if len(reason) > 500:
        raise TransitionRefused("The reason must be 500 characters or less", field="reason")
    from_team = case.team
    case.team = team
    case.assignee = None
    _record(
        case,
        kind=CaseEvent.Kind.TRANSFERRED,
        actor=actor,
        text=reason,
        data={
            "from_team": from_team.name,
            "to_team": team.name,
            "from_team_id": from_team.pk,
            "to_team_id": team.pk,
        },
        fields=("team", "assignee"),
    )
    return case


class TemplateInvalid(ValueError):
    """A response template that cannot be saved. ``errors`` maps field names to messages."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(errors.values()))


@transaction.atomic
def response_template_save(
    *,
    actor: Actor,
    team,
    title: str,
    body: str,
    service: Service | None = None,
    status: str = "",
    template: ResponseTemplate | None = None,
) -> ResponseTemplate:
    """Create a response template, or change ``template``. Checks every field and placeholder.

    Team leads save their own teams' templates; admins any team's.
    """
    _refuse_unless(may_manage_templates(actor, team))
    if template is not None:
        _refuse_unless(may_manage_templates(actor, template.team))
    title, body = title.strip(), body.strip()
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = "Enter a title"
    elif len(title) > 120:
        errors["title"] = "The title must be 120 characters or less"
    elif (
        ResponseTemplate.objects.filter(team=team, title__iexact=title)
        .exclude(pk=template.pk if template else None)
        .exists()
    ):
        errors["title"] = f"The {team} team already has a template called {title!r}"
    if service is not None and service.team_id != team.pk:
        errors["service"] = f"{service.name} is not a service of the {team} team"
    if status and status not in Status.values:
        errors["status"] = "Choose a status from the list"
    if not body:
        errors["body"] = "Enter the message"
    elif len(body) > 2000:
        errors["body"] = "The message must be 2,000 characters or less"
    else:
        problems = placeholder_problems(body)
        if problems:
            errors["body"] = problems[0]
    if errors:
        raise TemplateInvalid(errors)
    now = timezone.now()
    if template is None:
        template = ResponseTemplate(team=team, created_at=now)
    template.team = team
    template.service = service
    template.status = status
    template.title = title
    template.body = body
    template.updated_at = now
    template.save()
    return template


@transaction.atomic
def response_template_delete(*, actor: Actor, template: ResponseTemplate) -> None:
    """Delete a response template. Updates already sent keep their wording."""
    _refuse_unless(may_manage_templates(actor, template.team))
    template.delete()


def response_templates_seed(path=None) -> int:
    """Add the starter templates in ``data/response_templates.yaml`` that a team lacks.

    Templates are matched by team and title, so a template a team lead has changed or deleted
    on purpose is not brought back in another form, and running it again adds nothing.
    Returns how many were added. Teams or services not in the catalogue are skipped.
    """
    from pathlib import Path

    import yaml

    from borough.accounts.models import Team

    path = Path(path or Path(__file__).resolve().parent / "data" / "response_templates.yaml")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    teams = {team.slug: team for team in Team.objects.all()}
    services = {service.slug: service for service in Service.objects.all()}
    added = 0
    now = timezone.now()
    with transaction.atomic():
        for item in data.get("response_templates", []):
            team = teams.get(item["team"])
            service = services.get(item["service"]) if item.get("service") else None
            if team is None or (item.get("service") and service is None):
                continue
            problems = placeholder_problems(item["body"])
            if problems:
                raise ValueError(f"starter template {item['title']!r}: {problems[0]}")
            _, created = ResponseTemplate.objects.get_or_create(
                team=team,
                title=item["title"],
                defaults={
                    "service": service,
                    "status": item.get("status", ""),
                    "body": item["body"].strip(),
                    "created_at": now,
                    "updated_at": now,
                },
            )
            added += created
    return added


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
        for email in emails:
            send_email(
                to=email.to[0],
                template_key="team_overdue",
                context={"subject": email.subject, "body": email.body},
            )
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


# ------------------------------------------------------------- the resident's own actions

RESIDENT_TEXT_LIMIT = 2000
# The same text from the resident within this time is one message sent twice.
RESIDENT_REPEAT_MINUTES = 10


def _resident_text(text: str, *, field: str, empty: str) -> str:
    text = (text or "").strip()
    if not text:
        raise TransitionRefused(empty, field=field)
    if len(text) > RESIDENT_TEXT_LIMIT:
        raise TransitionRefused(
            gettext("Your message must be %(limit)s characters or fewer")
            % {"limit": f"{RESIDENT_TEXT_LIMIT:,}"},
            field=field,
        )
    return text


def _queue_team_email(event_id: int, template_key: str) -> None:
    from .tasks import case_tell_team

    case_tell_team(event_id, template_key)


@transaction.atomic
def case_add_resident_update(
    *, case: Case, text: str, actor: Actor, attachment: dict | None = None
) -> CaseEvent:
    """The resident adds information to their request (signed in, or by their tracking link).

    ``attachment`` is a file already checked and kept by ``catalogue.inputs.store_upload``.
    Writes one public timeline event (marked as from the resident) and tells the team by
    email. ``actor`` is the resident (signed in, or holding the request's tracking link).
    """
    _refuse_unless(may_change_case(actor, case, "add_information"))
    text = _resident_text(
        text, field="text", empty=gettext("Enter the information you want to add")
    )
    case = _lock(case, None)
    latest = case.events.order_by("-at", "-id").first()
    if (
        latest is not None
        and latest.data.get("from_resident")
        and latest.kind == CaseEvent.Kind.PUBLIC_UPDATE
        and latest.text == text
        and timezone.now() - latest.at < dt.timedelta(minutes=RESIDENT_REPEAT_MINUTES)
    ):
        return latest  # the same message sent twice (a double click): kept once
    data: dict = {"from_resident": True}
    if attachment:
        data["attachment"] = attachment
    event = _record(
        case, kind=CaseEvent.Kind.PUBLIC_UPDATE, actor=actor, text=text, public=True, data=data
    )
    transaction.on_commit(lambda: _queue_team_email(event.pk, "team_resident_update"))
    return event


@transaction.atomic
def case_not_fixed(
    *, case: Case, reason: str, actor: Actor, now: dt.datetime | None = None
) -> Case:
    """The resident says a closed request is not fixed: reopen it through the workflow.

    Allowed within ``BOROUGH_NOT_FIXED_DAYS`` of closing, for requests not closed as
    duplicates, where the service's workflow lets a closed request be reopened
    (``selectors.case_not_fixed_refusal``). Moves the case with ``case_transition`` (one
    timeline event, carrying the resident's reason) and tells the team by email.
    """
    from .selectors import case_not_fixed_refusal, case_reopen_state

    _refuse_unless(may_change_case(actor, case, "not_fixed"))
    reason = _resident_text(reason, field="reason", empty=gettext("Enter what is still wrong"))
    refusal = case_not_fixed_refusal(case, now=now or timezone.now())
    if refusal:
        raise TransitionRefused(refusal)
    target = case_reopen_state(case)
    case, event = _transition(
        case=case,
        to_state=target.key,
        to_status="",
        actor=actor,
        resolution="",
        text=reason,
        data={"from_resident": True, "not_fixed": True},
        expected_version=None,
        email_resident=False,
    )
    transaction.on_commit(lambda: _queue_team_email(event.pk, "team_not_fixed"))
    return case
