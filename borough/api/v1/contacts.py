"""Contacts with the council on every channel: read (contacts.read) and record one from
another system, such as a telephony platform (contacts.write, through
``contacts.services.contact_record``)."""

import datetime as dt
from typing import Literal

from django.utils import timezone
from ninja import Header, Query, Router, Schema
from pydantic import Field

from borough.api import selectors
from borough.cases.selectors import case_by_reference
from borough.catalogue.selectors import service_get
from borough.clients.models import Scope
from borough.contacts.models import Contact
from borough.contacts.services import contact_record
from borough.core.channels import Channel
from borough.core.errors import ApiError, ErrorCode

from .idempotency import idempotent
from .pagination import DEFAULT_LIMIT, MAX_LIMIT, decode_cursor, encode_cursor
from .schemas import with_errors
from .security import ApiKey

router = Router(tags=["contacts"])

ChannelName = Literal["web", "phone", "email", "face_to_face", "chat", "voice", "letter", "api"]
OutcomeName = Literal["", "request_raised", "answered", "update_given", "referred", "no_action"]


class ContactOut(Schema):
    id: int
    channel: str
    direction: str
    started_at: dt.datetime
    duration_seconds: int | None
    resident_id: int | None
    case: str | None = Field(description="The case's reference")
    service: str | None = Field(description="The service's slug")
    reason: str
    outcome: str


class ContactPage(Schema):
    data: list[ContactOut]
    next_cursor: str | None


class ContactFilters(Schema):
    channel: Literal[
        "", "web", "phone", "email", "face_to_face", "chat", "voice", "letter", "api"
    ] = ""
    case: str = Field("", max_length=20, description="A case's reference")
    resident_id: int | None = Field(None, ge=1, le=2**62)
    since: dt.datetime | None = None
    before: dt.datetime | None = None
    cursor: str = Field("", max_length=200)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


class ContactIn(Schema):
    channel: ChannelName
    direction: Literal["inbound", "outbound"] = "inbound"
    started_at: dt.datetime | None = Field(None, description="Default: now")
    duration_seconds: int | None = Field(None, ge=0, le=86400)
    case: str | None = Field(None, max_length=20, description="A case's reference")
    service: str | None = Field(None, max_length=100, description="A service's slug")
    reason: str = Field("", max_length=200)
    outcome: OutcomeName = ""


def contact_out(contact: Contact) -> dict:
    return {
        "id": contact.pk,
        "channel": contact.channel,
        "direction": contact.direction,
        "started_at": contact.started_at,
        "duration_seconds": contact.duration_seconds,
        "resident_id": contact.resident_id,
        "case": contact.case.reference if contact.case is not None else None,
        "service": contact.service.slug if contact.service is not None else None,
        "reason": contact.reason,
        "outcome": contact.outcome,
    }


def _invalid(field: str, message: str) -> ApiError:
    return ApiError(
        ErrorCode.VALIDATION_FAILED,
        "The request has problems: see details",
        details=[{"field": field, "message": message}],
    )


def _aware(field: str, value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and timezone.is_naive(value):
        raise _invalid(field, "Give a time zone, like 2026-11-25T09:00:00Z")
    return value


@router.get(
    "/contacts",
    auth=ApiKey(Scope.CONTACTS_READ),
    response=with_errors({200: ContactPage}),
    summary="List contacts, newest first, a page at a time",
)
def contact_list(request, filters: Query[ContactFilters]):
    query = selectors.ContactQuery(
        channel=filters.channel,
        case=filters.case,
        resident_id=filters.resident_id,
        since=_aware("since", filters.since),
        before=_aware("before", filters.before),
    )
    after = decode_cursor(filters.cursor, "contacts") if filters.cursor else None
    rows = selectors.contacts_page(query, after=after, limit=filters.limit)
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    next_cursor = None
    if more and rows:
        next_cursor = encode_cursor("contacts", rows[-1].started_at, rows[-1].pk)
    return {"data": [contact_out(c) for c in rows], "next_cursor": next_cursor}


@router.post(
    "/contacts",
    auth=ApiKey(Scope.CONTACTS_WRITE),
    response=with_errors({201: ContactOut}),
    summary="Record a contact",
)
@idempotent
def contact_create(
    request,
    payload: ContactIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
):
    """A contact handled in another system (a call, a visit), for the single view and the
    council's channel measures. The resident is the case's, when a case is given."""
    started_at = _aware("started_at", payload.started_at) or timezone.now()
    if started_at > timezone.now() + dt.timedelta(minutes=5):
        raise _invalid("started_at", "The contact cannot start in the future")
    if started_at < timezone.now() - dt.timedelta(days=366):
        raise _invalid("started_at", "The contact must be in the last year")
    case = None
    if payload.case:
        case = case_by_reference(payload.case)
        if case is None:
            raise _invalid("case", f"There is no case {payload.case!r}")
    service = case.service if case is not None else None
    if payload.service:
        service = service_get(payload.service)
        if service is None:
            raise _invalid("service", f"There is no service {payload.service!r}")
    contact = contact_record(
        channel=Channel(payload.channel),
        direction=payload.direction,
        started_at=started_at,
        duration_seconds=payload.duration_seconds,
        resident=case.resident if case is not None else None,
        case=case,
        service=service,
        reason=payload.reason,
        outcome=payload.outcome,
    )
    contact.case, contact.service = case, service
    return 201, ContactOut.model_validate(contact_out(contact))
