"""Updates from the back-office systems cases were sent to: pushed to the inbound endpoint
(``views.py``) or read by polling an Open311 server, each applied to the case's timeline once.

Every write to a case goes through ``cases.workflow`` (``case_add_note``,
``case_transition_event``), each writing its one timeline event.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from borough.cases.errors import TransitionRefused
from borough.cases.models import Case, Status
from borough.cases.workflow import case_add_note, case_transition_event
from borough.core.actors import SystemActor
from borough.core.text import CONTROL_CHARACTERS

from . import http
from .connectors import SendFailed, answer_json
from .models import Connector, Handoff, InboundUpdate

log = logging.getLogger(__name__)

# Open311 statuses (with mySociety's extended ones) and what each becomes, when the
# connector's own status map does not say: a base status, with the resolution after a colon.
# None: no change of status (the update's description is still added).
OPEN311_STATUSES: dict[str, str | None] = {
    "open": None,
    "in_progress": Status.IN_PROGRESS,
    "action_scheduled": Status.IN_PROGRESS,
    "investigating": Status.IN_PROGRESS,
    "closed": "closed:fixed",
    "fixed": "closed:fixed",
    "duplicate": "closed:duplicate",
    "not_councils_responsibility": "closed:referred",
    "internal_referral": "closed:referred",
    "no_further_action": "closed:no_action",
    "unable_to_fix": "closed:not_possible",
    "wont_fix": "closed:not_possible",
}


def new_token() -> str:
    return "bcin_" + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# ------------------------------------------------------------------------------ applying


class InboundRefused(ValueError):
    """An update that cannot be applied. ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


@dataclass
class Applied:
    outcome: str  # "applied", "duplicate" or "unchanged"
    reference: str
    event_id: int | None = None


def _norm(status: str) -> str:
    return status.strip().lower().replace(" ", "_").replace("-", "_")


def _target(connector: Connector, case: Case, external_status: str) -> tuple[str, str] | None:
    """(state or base status, resolution) an external status asks for; None for no change."""
    key = _norm(external_status)
    mapped = {_norm(str(k)): v for k, v in (connector.status_map or {}).items()}
    flow = case.service.flow
    if key in mapped:
        value = mapped[key]
    elif flow.state(key) is not None:
        value = key
    elif connector.kind == Connector.Kind.OPEN311 and key in OPEN311_STATUSES:
        value = OPEN311_STATUSES[key]
    elif key in Status.values:
        value = key
    else:
        known = sorted(connector.status_map or {}) or sorted(OPEN311_STATUSES)
        raise InboundRefused(
            400, f"status {external_status!r} is not known: use one of {', '.join(known)}"
        )
    if not value:
        return None
    state, _, resolution = str(value).partition(":")
    if state == case.state or (
        state == case.status
        and flow.state(state) is None
        and (not resolution or resolution == case.resolution)
    ):
        return None
    return state, resolution


def inbound_apply(
    *,
    connector: Connector,
    external_id: str,
    status: str = "",
    description: str = "",
    updated_at: str = "",
    update_id: str = "",
) -> Applied:
    """Apply a status update a connector's system sent about a case it was given.

    Unknown external id: 404; a status the connector does not map, or a move the workflow does
    not allow: 400 or 409; nothing is written. The same update sent again is recognised (by
    its ``update_id``, or by all its fields) and changes nothing.
    """
    external_id = (external_id or "").strip()
    status = (status or "").strip()
    # What a polled system's feed holds is not refused (the update would be lost): its control
    # characters are taken out (issue 16; what is sent to the inbound endpoint is refused).
    description = CONTROL_CHARACTERS.sub("", description or "").strip()
    if not external_id:
        raise InboundRefused(400, "external_id is required")
    if updated_at and parse_datetime(str(updated_at)) is None:
        raise InboundRefused(400, "updated_at must be a date and time like 2026-11-26T09:30:00Z")
    if len(description) > 2000:
        raise InboundRefused(400, "description must be 2,000 characters or less")
    if not status and not description:
        raise InboundRefused(400, "Send a status, a description or both")
    handoff = (
        Handoff.objects.select_related("case__service")
        .filter(connector=connector, external_id=external_id)
        .first()
    )
    if handoff is None:
        raise InboundRefused(404, f"external_id {external_id} is not a case sent to {connector}")
    case = handoff.case
    identity = update_id or "|".join((external_id, status, str(updated_at), description))
    digest = hashlib.sha256(f"{external_id}\n{identity}".encode()).hexdigest()
    if InboundUpdate.objects.filter(connector=connector, digest=digest).exists():
        return Applied("duplicate", case.reference)
    target = _target(connector, case, status) if status else None
    source = {"connector": connector.slug, "external_status": status, "update_id": update_id}
    try:
        with transaction.atomic():
            update = InboundUpdate.objects.create(
                connector=connector,
                handoff=handoff,
                digest=digest,
                external_status=status[:60],
                received_at=timezone.now(),
            )
            event = None
            if target is not None:
                state, resolution = target
                event = case_transition_event(
                    case=case,
                    to_state=state if case.service.flow.state(state) else "",
                    to_status="" if case.service.flow.state(state) else state,
                    resolution=resolution,
                    actor=SystemActor(f"connector:{connector.slug}"),
                    note=description,
                    source=source,
                )
            elif description:
                event = case_add_note(
                    case=case,
                    text=description,
                    actor=SystemActor(f"connector:{connector.slug}"),
                    public=True,
                    source=source,
                )
            update.case_event_id = event.pk if event else None
            update.save(update_fields=["case_event_id"])
            if status:
                Handoff.objects.filter(pk=handoff.pk).update(last_external_status=status[:60])
    except TransitionRefused as refused:
        raise InboundRefused(409, str(refused)) from None
    except IntegrityError:
        return Applied("duplicate", case.reference)  # the same update, at the same moment
    return Applied("applied" if event else "unchanged", case.reference, event.pk if event else None)


# ------------------------------------------------------------------------------ polling


def open311_poll(*, connector: Connector, now: dt.datetime | None = None) -> int:
    """Read an Open311 connector's ``servicerequestupdates`` since the last poll and apply those
    about cases sent to it. Returns how many changed a case. A failed read is retried next time
    (the window starts where the last good read ended)."""
    now = now or timezone.now()
    start = connector.polled_until or now - dt.timedelta(days=1)
    query = urlencode(
        {
            "api_key": connector.credential,
            "start_date": start.isoformat(),
            "end_date": now.isoformat(),
        }
    )
    answer = http.request(
        f"{connector.endpoint.rstrip('/')}/servicerequestupdates.json?{query}",
        headers={"Accept": "application/json"},
    )
    if answer.status in (404, 405, 501):
        # A plain GeoReport v2 server without mySociety's updates: read the requests instead.
        return _poll_requests(connector=connector, now=now)
    try:
        updates = answer_json(answer, connector.name)
    except SendFailed as failure:
        log.warning(
            "open311 poll failed", extra={"connector": connector.slug, "error": str(failure)}
        )
        return 0
    ours = set(
        Handoff.objects.filter(connector=connector, external_id__isnull=False).values_list(
            "external_id", flat=True
        )
    )
    changed = 0
    for update in updates if isinstance(updates, list) else []:
        external_id = str(update.get("service_request_id") or "")
        if external_id not in ours:
            continue
        try:
            result = inbound_apply(
                connector=connector,
                external_id=external_id,
                status=str(update.get("status") or ""),
                description=str(update.get("description") or ""),
                updated_at=str(update.get("updated_datetime") or ""),
                update_id=str(update.get("update_id") or ""),
            )
        except InboundRefused as refused:
            log.warning("open311 update not applied", extra={"error": str(refused)})
            continue
        changed += result.outcome == "applied"
    Connector.objects.filter(pk=connector.pk).update(polled_until=now)
    return changed


def _poll_requests(*, connector: Connector, now: dt.datetime, batch: int = 100) -> int:
    """Poll ``requests.json?service_request_id=...`` for the open cases sent to a connector
    whose Open311 server has no ``servicerequestupdates``; a status that differs from the last
    one seen is applied (once: the update is identified by id, status and updated time)."""
    handoffs = list(
        Handoff.objects.filter(
            connector=connector, status=Handoff.Status.SENT, case__closed_at__isnull=True
        ).values_list("external_id", "last_external_status")
    )
    changed = 0
    for start in range(0, len(handoffs), batch):
        chunk = dict(handoffs[start : start + batch])
        # A sent handoff always has its external id (set with SENT): the filter only types it.
        sent_ids = [external_id for external_id in chunk if external_id is not None]
        query = urlencode(
            {"service_request_id": ",".join(sent_ids), "api_key": connector.credential}
        )
        answer = http.request(
            f"{connector.endpoint.rstrip('/')}/requests.json?{query}",
            headers={"Accept": "application/json"},
        )
        try:
            found = answer_json(answer, connector.name)
        except SendFailed as failure:
            log.warning(
                "open311 poll failed", extra={"connector": connector.slug, "error": str(failure)}
            )
            return changed
        for request in found if isinstance(found, list) else []:
            external_id = str(request.get("service_request_id") or "")
            status = str(request.get("status") or "")
            if external_id not in chunk or not status or _norm(status) == _norm(chunk[external_id]):
                continue
            try:
                result = inbound_apply(
                    connector=connector,
                    external_id=external_id,
                    status=status,
                    description=str(request.get("status_notes") or ""),
                    updated_at=str(request.get("updated_datetime") or ""),
                )
            except InboundRefused as refused:
                log.warning("open311 request status not applied", extra={"error": str(refused)})
                continue
            changed += result.outcome == "applied"
    Connector.objects.filter(pk=connector.pk).update(polled_until=now)
    return changed
