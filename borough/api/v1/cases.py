"""Cases: create (through ``cases.create.case_create``, validated against the service's form
definition as in the portal), read, list by cursor, move through the workflow, add notes and
public updates. Every write goes through the ``cases`` actions."""

import datetime as dt
import logging
from typing import Any, Literal

from django.utils import timezone
from ninja import Header, Query, Router, Schema
from pydantic import Field

from borough.accounts.policies import api_client_may_update
from borough.api import selectors
from borough.cases import create as case_services
from borough.cases import lists
from borough.cases.errors import CaseChanged, CaseInvalid, TransitionRefused
from borough.cases.models import Case, CaseEvent, Priority, Status
from borough.cases.selectors import case_by_reference
from borough.cases.workflow import case_add_note, case_transition
from borough.catalogue.answer_shapes import answer_shape_problems
from borough.catalogue.selectors import service_get
from borough.clients.models import Scope
from borough.core.channels import Channel
from borough.core.errors import ApiError, ErrorCode
from borough.core.models import AuditEvent
from borough.core.services import audit_record

from .idempotency import idempotent
from .pagination import DEFAULT_LIMIT, MAX_LIMIT, decode_cursor, encode_cursor
from .schemas import with_errors
from .security import ApiKey, client_of

log = logging.getLogger(__name__)

router = Router(tags=["cases"])
read = ApiKey(Scope.CASES_READ)
write = ApiKey(Scope.CASES_WRITE)

IdempotencyKey = Header(
    None,
    alias="Idempotency-Key",
    description="Any unique string (a UUID): a retry with the same key and body is answered "
    "from the first response for 24 hours, without a second write",
)


class LocationOut(Schema):
    uprn: int | None
    usrn: int | None
    description: str
    latitude: float | None
    longitude: float | None


class CaseOut(Schema):
    reference: str
    service: str
    status: str
    state: str
    state_label: str
    public_state_label: str
    resolution: str
    priority: str
    channel: str
    team: str
    ward: str | None
    location: LocationOut
    answers: dict[str, Any] = Field(
        description="Answers by question id; answers that are personal data only for clients "
        "with residents.read"
    )
    resident_id: int | None = Field(description="Only for clients with residents.read")
    due_date: dt.date
    created_at: dt.datetime
    updated_at: dt.datetime
    closed_at: dt.datetime | None
    duplicate_of: str | None
    version: int


class CasePage(Schema):
    data: list[CaseOut]
    next_cursor: str | None = Field(description="Pass as cursor for the next page; null at the end")


class EventOut(Schema):
    id: int
    at: dt.datetime
    kind: str
    headline: str
    public: bool
    text: str
    state: str | None = Field(description="For status changes: the state moved to")
    status: str | None


class CaseIn(Schema):
    service: str = Field(description="The service's slug (see GET /services)", max_length=100)
    answers: dict[str, Any] = Field(
        description="Answers by question id, as the service's form definition asks; a file "
        "question's answer is the id POST /uploads returned"
    )
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)


class TransitionIn(Schema):
    state: str = Field(
        description="A state of the service's workflow, or a base status (new, in_progress, "
        "waiting, closed)",
        max_length=40,
    )
    resolution: Literal["", "fixed", "no_action", "duplicate", "referred", "not_possible"] = ""
    note: str = Field("", max_length=2000, description="Shown to the resident")
    expected_version: int | None = Field(
        None, ge=1, description="Refuse (409 case_changed) if the case changed since this version"
    )


class NoteIn(Schema):
    text: str = Field(min_length=1, max_length=2000)


_PRIORITY = {p.value: p.name.lower() for p in Priority}


def _decimal(value) -> float | None:
    return float(value) if value is not None else None


def case_out(case: Case, *, personal: bool) -> dict:
    """A case as the API shows it; answers that are personal data only if ``personal``."""
    form = case.service.form
    answers = {}
    for key, value in case.answers.items():
        question = form.by_id.get(key)
        if question is not None and question.personal_data and not personal:
            continue
        if question is not None and question.type == "file" and isinstance(value, dict):
            # Where Borough stores the upload is its own business: name, type and size only.
            value = {k: value.get(k) for k in ("name", "content_type", "size")}
        answers[key] = value
    state = case.current_state
    location = case.answers.get(form.location_question.id) if form.location_question else None
    return {
        "reference": case.reference,
        "service": case.service.slug,
        "status": case.status,
        "state": state.key,
        "state_label": state.label,
        "public_state_label": state.public_label,
        "resolution": case.resolution,
        "priority": _PRIORITY.get(case.priority, str(case.priority)),
        "channel": case.channel,
        "team": case.team.slug,
        "ward": case.ward.code if case.ward is not None else None,
        "location": {
            "uprn": case.property_id,
            "usrn": case.street_id,
            "description": case.location_description
            or (location.get("description", "") if isinstance(location, dict) else ""),
            "latitude": _decimal(case.latitude),
            "longitude": _decimal(case.longitude),
        },
        "answers": answers,
        "resident_id": case.resident_id if personal else None,
        "due_date": case.due_date,
        "created_at": case.created_at,
        "updated_at": case.updated_at,
        "closed_at": case.closed_at,
        "duplicate_of": case.duplicate_of.reference if case.duplicate_of is not None else None,
        "version": case.version,
    }


def event_out(event: CaseEvent) -> dict:
    data = event.data or {}
    changed = event.kind == CaseEvent.Kind.STATUS_CHANGED
    return {
        "id": event.pk,
        "at": event.at,
        "kind": event.kind,
        "headline": event.headline,
        "public": event.is_public,
        "text": event.text,
        "state": data.get("to") if changed else None,
        "status": data.get("status") if changed else None,
    }


def _personal(request, case: Case) -> bool:
    """Whether the client sees the case's personal data; if so, the read is audited."""
    client = client_of(request)
    if not client.has_scope(Scope.RESIDENTS_READ):
        return False
    audit_record(
        actor=client.as_actor(),
        action=AuditEvent.Action.VIEWED,
        object_type="case",
        object_id=case.pk,
        resident_id=case.resident_id,
        summary=f"API client {client.pk} ({client.name})",
    )
    return True


def _case(reference: str) -> Case:
    case = case_by_reference(reference)
    if case is None:
        raise ApiError(ErrorCode.NOT_FOUND, f"There is no case {reference!r}")
    return case


def _case_to_change(request, reference: str) -> Case:
    """The case, if this client may update it (it created it, or a connector handed it off
    to the client's system); any other is answered as not found (issue 16)."""
    case = case_by_reference(reference)
    if case is None or not api_client_may_update(client_of(request).pk, case):
        raise ApiError(ErrorCode.NOT_FOUND, f"There is no case {reference!r}")
    return case


def _source(request) -> dict:
    return {"api_client": client_of(request).pk, "channel": "api"}


# ------------------------------------------------------------------------------ create


@router.post(
    "/cases",
    auth=write,
    response=with_errors({201: CaseOut}),
    summary="Create a case",
)
@idempotent
def case_create(request, payload: CaseIn, idempotency_key: str | None = IdempotencyKey):
    """Answers are checked against the service's form definition exactly as the portal
    checks them; every problem is listed in ``details`` (``answers.<question id>``)."""
    service = service_get(payload.service)
    if service is None:
        raise ApiError(
            ErrorCode.VALIDATION_FAILED,
            "The request has problems: see details",
            details=[{"field": "service", "message": f"There is no service {payload.service!r}"}],
        )
    if (payload.latitude is None) != (payload.longitude is None):
        raise ApiError(
            ErrorCode.VALIDATION_FAILED,
            "The request has problems: see details",
            details=[
                {"field": "latitude", "message": "Send both latitude and longitude, or neither"}
            ],
        )
    malformed = answer_shape_problems(service.form, payload.answers)
    if malformed:
        raise ApiError(
            ErrorCode.BAD_REQUEST,
            "Some answers are not the kind of value their question takes: see details",
            details=[
                {"field": f"answers.{key}", "message": message}
                for key, message in malformed.items()
            ],
        )
    client = client_of(request)
    try:
        case = case_services.case_create(
            service=service,
            answers=payload.answers,
            channel=Channel.API,
            actor=client.as_actor(),
            contact_reason=f"API request from {client.name}"[:200],
            latitude=payload.latitude,
            longitude=payload.longitude,
        )
    except CaseInvalid as invalid:
        files = {
            key: message
            for key, message in invalid.errors.items()
            if key in service.form.by_id and service.form.by_id[key].type == "file"
        }
        if files:  # an upload id unknown, used, or another's (issue 16)
            raise ApiError(
                ErrorCode.BAD_REQUEST,
                "A file answer does not name an upload of yours that can be used: answer with "
                "the id POST /uploads returned",
                details=[
                    {"field": f"answers.{key}", "message": str(message)}
                    for key, message in files.items()
                ],
            ) from None
        raise ApiError(
            ErrorCode.VALIDATION_FAILED,
            "The answers do not fit the service's form: see details",
            details=[
                {"field": f"answers.{key}", "message": str(message)}
                for key, message in invalid.errors.items()
            ],
        ) from None
    log.info("api case created", extra={"case_id": case.pk, "api_client": client.pk})
    saved = case_by_reference(case.reference)
    assert saved is not None  # created above
    return 201, CaseOut.model_validate(case_out(saved, personal=False))


# ------------------------------------------------------------------------------ read


class CaseFilters(Schema):
    service: str = Field("", max_length=100, description="A service's slug")
    status: Literal["", "open", "new", "in_progress", "waiting", "closed"] = ""
    state: str = Field("", max_length=40, description="A workflow state's key")
    team: str = Field("", max_length=100, description="A team's slug")
    ward: str = Field("", max_length=16, description="A ward's code")
    channel: str = Field("", max_length=16)
    created_since: dt.datetime | None = None
    created_before: dt.datetime | None = None
    updated_since: dt.datetime | None = None
    order: Literal["newest", "updated"] = Field(
        "newest",
        description="newest: newest first; updated: least recently updated first (with "
        "updated_since, a feed of changes)",
    )
    cursor: str = Field("", max_length=200)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


def _aware(name: str, value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    if timezone.is_naive(value):
        raise ApiError(
            ErrorCode.VALIDATION_FAILED,
            "The request has problems: see details",
            details=[{"field": name, "message": "Give a time zone, like 2026-11-25T09:00:00Z"}],
        )
    return value


@router.get(
    "/cases",
    auth=read,
    response=with_errors({200: CasePage}),
    summary="List cases, a page at a time",
)
def case_list(request, filters: Query[CaseFilters]):
    """Cases matching every filter given, in a stable order, ``limit`` at a time. Follow
    ``next_cursor`` for the next page (keep the same filters and order)."""
    query = lists.CaseFilters(
        service_slug=filters.service,
        status=filters.status,
        state=filters.state,
        team_slug=filters.team,
        ward_code=filters.ward,
        channel=filters.channel,
        created_since=_aware("created_since", filters.created_since),
        created_before=_aware("created_before", filters.created_before),
        updated_since=_aware("updated_since", filters.updated_since),
    )
    after = decode_cursor(filters.cursor, filters.order) if filters.cursor else None
    rows = selectors.cases_page(query, order=filters.order, after=after, limit=filters.limit)
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    next_cursor = None
    if more and rows:
        last = rows[-1]
        moment = last.created_at if filters.order == "newest" else last.updated_at
        next_cursor = encode_cursor(filters.order, moment, last.pk)
    return {"data": [case_out(c, personal=False) for c in rows], "next_cursor": next_cursor}


@router.get(
    "/cases/{reference}",
    auth=read,
    response=with_errors({200: CaseOut}),
    summary="A case by its reference",
)
def case_detail(request, reference: str):
    """With residents.read as well, the answers that are personal data and the resident's id
    (the read is written to the audit log)."""
    case = _case(reference)
    return case_out(case, personal=_personal(request, case))


@router.get(
    "/cases/{reference}/events",
    auth=read,
    response=with_errors({200: list[EventOut]}),
    summary="A case's timeline",
)
def case_event_list(request, reference: str):
    """Every event, oldest first, internal notes included."""
    case = _case(reference)
    return [event_out(e) for e in selectors.case_events_for_api(case)]


# ------------------------------------------------------------------------------ change


@router.post(
    "/cases/{reference}/status",
    auth=ApiKey(Scope.CASES_STATUS),
    response=with_errors({200: CaseOut}),
    summary="Move a case to another state",
)
@idempotent
def case_status(
    request, reference: str, payload: TransitionIn, idempotency_key: str | None = IdempotencyKey
):
    """Only moves the service's workflow allows: anything else is refused with 409
    ``transition_refused`` and the reason. Only for cases this client created."""
    case = _case_to_change(request, reference)
    flow = case.service.flow
    if flow.state(payload.state) is None and payload.state not in Status.values:
        raise ApiError(
            ErrorCode.VALIDATION_FAILED,
            "The request has problems: see details",
            details=[
                {
                    "field": "state",
                    "message": f"{payload.state!r} is not a state of this service's workflow "
                    f"({', '.join(s.key for s in flow.states)})",
                }
            ],
        )
    try:
        case = case_transition(
            case=case,
            to_status=payload.state,
            actor=client_of(request).as_actor(),
            resolution=payload.resolution,
            note=payload.note,
            expected_version=payload.expected_version,
            source=_source(request),
        )
    except CaseChanged:
        raise ApiError(
            ErrorCode.CASE_CHANGED,
            "The case changed since the version you sent: read it again and retry",
        ) from None
    except TransitionRefused as refused:
        raise ApiError(ErrorCode.TRANSITION_REFUSED, str(refused)) from None
    return 200, CaseOut.model_validate(case_out(_case(case.reference), personal=False))


def _add_note(request, reference: str, text: str, *, public: bool):
    case = _case_to_change(request, reference)
    try:
        event = case_add_note(
            case=case,
            text=text,
            actor=client_of(request).as_actor(),
            public=public,
            source=_source(request),
        )
    except TransitionRefused as refused:
        raise ApiError(
            ErrorCode.VALIDATION_FAILED,
            "The request has problems: see details",
            details=[{"field": "text", "message": str(refused)}],
        ) from None
    return 201, EventOut.model_validate(event_out(event))


@router.post(
    "/cases/{reference}/notes",
    auth=write,
    response=with_errors({201: EventOut}),
    summary="Add an internal note",
)
@idempotent
def case_note(
    request, reference: str, payload: NoteIn, idempotency_key: str | None = IdempotencyKey
):
    """Staff see it on the case; the resident does not. Only on cases this client created."""
    return _add_note(request, reference, payload.text, public=False)


@router.post(
    "/cases/{reference}/updates",
    auth=write,
    response=with_errors({201: EventOut}),
    summary="Add a public update",
)
@idempotent
def case_update(
    request, reference: str, payload: NoteIn, idempotency_key: str | None = IdempotencyKey
):
    """The resident sees it on their request's page and is emailed that there is an update
    (the email does not carry the text). Only on cases this client created."""
    return _add_note(request, reference, payload.text, public=True)
