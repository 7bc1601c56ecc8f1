"""The reads Open311 needs: a constant number of queries whatever the number of cases."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, Q, QuerySet

from borough.cases.models import Case, CaseEvent

PUBLIC_UPDATE_KINDS = (
    CaseEvent.Kind.STATUS_CHANGED,
    CaseEvent.Kind.PUBLIC_UPDATE,
    CaseEvent.Kind.MARKED_DUPLICATE,
)


def _cases(*, public: bool) -> QuerySet[Case]:
    """``public``: for a caller without a key, so no case of a private service (issue 16)."""
    cases = Case.objects.all()
    if public:
        cases = cases.filter(service__is_private=False)
    # The services are prefetched, not joined: one query for the few services, and every case
    # of a service shares one instance, so its form and workflow are parsed once per page
    # rather than once per case (which was most of the time for 1,000 requests).
    return cases.select_related("team", "property", "street", "property__usrn").prefetch_related(
        "service",
        Prefetch(
            "events",
            queryset=CaseEvent.objects.filter(kind=CaseEvent.Kind.STATUS_CHANGED, is_public=True)
            .exclude(data__has_key="from_resident")
            .order_by("at", "id"),
            to_attr="public_status_events",
        ),
    )


def requests_by_reference(references: list[str], *, public: bool) -> list[Case]:
    return list(_cases(public=public).filter(reference__in=references).order_by("-created_at"))


def requests_search(
    *,
    start: dt.datetime,
    end: dt.datetime,
    service_codes: list[str],
    statuses: list[str],
    limit: int,
    public: bool,
) -> list[Case]:
    """Cases requested between ``start`` and ``end``, newest first, at most ``limit``."""
    cases = _cases(public=public).filter(
        created_at__gte=start, created_at__lte=end, service__is_online=True
    )
    if service_codes:
        cases = cases.filter(service__slug__in=service_codes)
    if statuses == ["open"]:
        cases = cases.exclude(status="closed")
    elif statuses == ["closed"]:
        cases = cases.filter(status="closed")
    return list(cases.order_by("-created_at", "-id")[:limit])


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
