"""The reads Open311 needs: a constant number of queries whatever the number of cases."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from borough.cases.models import Case, CaseEvent
from borough.catalogue.models import Service

PUBLIC_UPDATE_KINDS = (
    CaseEvent.Kind.STATUS_CHANGED,
    CaseEvent.Kind.PUBLIC_UPDATE,
    CaseEvent.Kind.MARKED_DUPLICATE,
)


# What a request entry needs, read as plain rows: building a thousand model instances (and
# their property, street and team) took most of a 1,000-request list's time (issue 24).
REQUEST_FIELDS = (
    *("id", "reference", "service_id", "team__name", "status", "state", "resolution"),
    *("answers", "location_description", "latitude", "longitude", "due_date"),
    *("created_at", "updated_at", "property_id", "property__sao", "property__pao"),
    *("property__locality", "property__town", "property__postcode", "property__usrn__name"),
    *("street__name", "street__town"),
)


def _cases(*, public: bool) -> QuerySet[Case]:
    """``public``: for a caller without a key, so no case of a private service (issue 16)."""
    cases = Case.objects.all()
    if public:
        cases = cases.filter(service__is_private=False)
    return cases


def _rows(cases: QuerySet[Case], *, public: bool) -> list[dict[str, Any]]:
    """The cases as rows of ``REQUEST_FIELDS``; with a key (not ``public``), each with
    ``status_notes``: the text of its latest public status change that has one."""
    rows = list(cases.values(*REQUEST_FIELDS))
    if public or not rows:
        return rows
    notes: dict[int, str] = {}
    changes = (
        CaseEvent.objects.filter(
            case_id__in=[row["id"] for row in rows],
            kind=CaseEvent.Kind.STATUS_CHANGED,
            is_public=True,
        )
        .exclude(data__has_key="from_resident")
        .order_by("at", "id")
    )
    for case_id, text in changes.values_list("case_id", "text"):
        if text:
            notes[case_id] = text
    for row in rows:
        row["status_notes"] = notes.get(row["id"])
    return rows


def request_services(rows: list[dict[str, Any]]) -> dict[int, Service]:
    """The services of the rows, by id: one query for the few services of a page."""
    return Service.objects.in_bulk({row["service_id"] for row in rows})


def requests_by_reference(references: list[str], *, public: bool) -> list[dict[str, Any]]:
    cases = _cases(public=public).filter(reference__in=references).order_by("-created_at")
    return _rows(cases, public=public)


def requests_search(
    *,
    start: dt.datetime,
    end: dt.datetime,
    service_codes: list[str],
    statuses: list[str],
    limit: int,
    public: bool,
) -> list[dict[str, Any]]:
    """Cases requested between ``start`` and ``end``, newest first, at most ``limit``, as
    rows (``_rows``)."""
    cases = _cases(public=public).filter(
        created_at__gte=start, created_at__lte=end, service__is_online=True
    )
    if service_codes:
        cases = cases.filter(service__slug__in=service_codes)
    if statuses == ["open"]:
        cases = cases.exclude(status="closed")
    elif statuses == ["closed"]:
        cases = cases.filter(status="closed")
    return _rows(cases.order_by("-created_at", "-id")[:limit], public=public)


def updates_between(
    *, start: dt.datetime, end: dt.datetime, limit: int, public: bool, client_id: int | None = None
) -> list[CaseEvent]:
    """Public timeline events (status changes, updates, duplicates) in a window, oldest first.

    What residents wrote (information added, "not fixed") is never in the feed; with
    ``public`` (a caller without cases.read), nothing about a case of a private service
    either, but for the cases the client ``client_id`` sent itself.

    Each event gets ``state_then``: the case's (state, status, resolution) just after it, from
    the status changes before it (one more query for all the cases).
    """
    found = CaseEvent.objects.filter(
        kind__in=PUBLIC_UPDATE_KINDS, is_public=True, at__gte=start, at__lte=end
    ).exclude(data__has_key="from_resident")
    if public:
        shown = Q(case__service__is_private=False)
        if client_id is not None:
            shown |= Q(case__api_client_id=client_id)
        found = found.filter(shown)
    events = list(found.select_related("case", "case__service").order_by("at", "id")[:limit])
    changes: dict[int, list[tuple]] = {}
    moves = CaseEvent.objects.filter(
        case_id__in={e.case_id for e in events},
        kind__in=(CaseEvent.Kind.STATUS_CHANGED, CaseEvent.Kind.MARKED_DUPLICATE),
        at__lte=end,
    ).order_by("at", "id")
    for case_id, at, pk, data in moves.values_list("case_id", "at", "id", "data"):
        changes.setdefault(case_id, []).append((at, pk, data or {}))
    for event in events:
        flow = event.case.service.flow
        initial = flow.state(flow.initial)
        state_then = (initial.key, initial.status, "") if initial else ("new", "new", "")
        for at, pk, data in changes.get(event.case_id, []):
            if (at, pk) > (event.at, event.pk):
                break
            if data.get("original"):  # closed as a duplicate of another case
                state_then = ("duplicate", "closed", "duplicate")
            else:
                to = str(data.get("to", ""))
                state_then = (to, data.get("status") or to, data.get("resolution", ""))
        event.state_then = state_then  # type: ignore[attr-defined]  # for the feed, not a field
    return events


def update_by_source(*, case: Case, client_id: int, update_id: str) -> CaseEvent | None:
    """The event a client's update (by the client's own update id) already wrote, if any."""
    return (
        CaseEvent.objects.filter(
            case=case, data__source__api_client=client_id, data__source__update_id=update_id
        )
        .order_by("id")
        .first()
    )


def case_by_idempotency_key(key: str) -> Case | None:
    return Case.objects.filter(idempotency_key=key).select_related("service").first()
