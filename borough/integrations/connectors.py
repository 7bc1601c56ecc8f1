"""Connectors: new cases of a routed service are sent on to a back-office system (Open311, JSON
over HTTP, or email), with retries; the system's status updates come back onto the timeline.

Every write to a case goes through ``cases.services`` (``case_add_note``, ``case_transition``),
each writing its one timeline event.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from borough.cases.errors import CaseChanged, TransitionRefused
from borough.cases.models import Case, Status
from borough.cases.workflow import case_add_note, case_transition
from borough.core.actors import SystemActor
from borough.notify.services import send_email

from . import http
from .models import Connector, Handoff, InboundUpdate, ServiceRoute
from .webhooks import backoff, case_document, sign

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
GIVE_UP_AFTER = dt.timedelta(hours=24)
LEASE = dt.timedelta(seconds=60)
# Question types Open311 answers with its own fields rather than attribute[...].
_STANDARD = {"email", "name", "phone"}

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


# ------------------------------------------------------------------------------ routing


def handoff_start(*, case_id: int, now: dt.datetime | None = None) -> Handoff | None:
    """Make the handoff of a new case whose service is routed to an active connector, and send
    it (through the queue). Idempotent: a case is handed off once."""
    now = now or timezone.now()
    case = Case.objects.filter(pk=case_id).only("pk", "service_id").first()
    if case is None:
        return None
    route = (
        ServiceRoute.objects.select_related("connector")
        .filter(service_id=case.service_id, connector__is_active=True)
        .first()
    )
    if route is None:
        return None
    try:
        with transaction.atomic():
            handoff, created = Handoff.objects.get_or_create(
                case_id=case.pk,
                defaults={"connector": route.connector, "created_at": now, "next_attempt_at": now},
            )
    except IntegrityError:
        return Handoff.objects.get(case_id=case.pk)
    if created:
        transaction.on_commit(lambda: _queue_send(handoff.pk))
    return handoff


def _queue_send(handoff_id: int) -> None:
    from .tasks import handoff_send_task

    handoff_send_task(handoff_id)


class SendFailed(Exception):
    """The other system did not take the case; ``str()`` says why."""


def _claim(handoff_id: int, now: dt.datetime) -> Handoff | None:
    with transaction.atomic():
        row = (
            Handoff.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("connector", "case__service")
            .filter(pk=handoff_id, status=Handoff.Status.PENDING, connector__is_active=True)
            .first()
        )
        if row is None:
            return None
        taken = (
            Handoff.objects.filter(pk=handoff_id, status=Handoff.Status.PENDING)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .update(claimed_until=now + LEASE)
        )
        return row if taken else None


def handoff_send(*, handoff_id: int, now: dt.datetime | None = None) -> bool:
    """Try to send a pending handoff if it is due. Returns whether it is now sent.

    Success and giving up are written on the case's timeline as internal notes, and so is the
    first failure (later retries are in the hub's connector page, not on the timeline).
    """
    now = now or timezone.now()
    handoff = _claim(handoff_id, now)
    if handoff is None:
        return False
    connector, case = handoff.connector, handoff.case
    route = ServiceRoute.objects.filter(service_id=case.service_id).first()
    try:
        external_id = SENDERS[connector.kind](connector, case, route)
    except SendFailed as failure:
        error = str(failure)[:300]
        attempts = handoff.attempts + 1
        next_at = now + backoff(attempts)
        give_up = attempts >= MAX_ATTEMPTS or next_at - handoff.created_at > GIVE_UP_AFTER
        next_at = None if give_up else next_at
        Handoff.objects.filter(pk=handoff.pk).update(
            attempts=attempts,
            last_error=error,
            claimed_until=None,
            next_attempt_at=next_at,
            status=Handoff.Status.FAILED if give_up else Handoff.Status.PENDING,
        )
        if give_up:
            _note(
                case,
                f"Could not send this case to {connector.name}; gave up after "
                f"{attempts} tries. Last error: {error}",
                connector,
            )
        elif attempts == 1:
            _note(
                case,
                f"Could not send this case to {connector.name} ({error}). "
                "Trying again automatically.",
                connector,
            )
        log.warning("handoff failed", extra={"handoff_id": handoff.pk, "attempts": attempts})
        return False
    try:
        with transaction.atomic():
            Handoff.objects.filter(pk=handoff.pk).update(
                status=Handoff.Status.SENT,
                external_id=external_id,
                attempts=handoff.attempts + 1,
                sent_at=now,
                claimed_until=None,
                next_attempt_at=None,
                last_error="",
            )
    except IntegrityError:
        # Another case already has this id at the same system: keep it failed and visible.
        Handoff.objects.filter(pk=handoff.pk).update(
            status=Handoff.Status.FAILED,
            claimed_until=None,
            last_error=f"{connector.name} answered with id {external_id}, already used",
        )
        _note(
            case,
            f"{connector.name} answered with an id ({external_id}) that another case "
            "already has; not linked",
            connector,
        )
        return False
    _note(case, f"Sent to {connector.name} (their reference {external_id})", connector)
    return True


def handoffs_due(*, now: dt.datetime | None = None, limit: int = 200) -> int:
    """Retry the handoffs that are due (the periodic task). Returns how many went."""
    now = now or timezone.now()
    due = Handoff.objects.filter(
        status=Handoff.Status.PENDING, next_attempt_at__lte=now, connector__is_active=True
    ).values_list("pk", flat=True)[:limit]
    return sum(handoff_send(handoff_id=pk, now=now) for pk in list(due))


def _note(case: Case, text: str, connector: Connector) -> None:
    try:
        case_add_note(
            case=case,
            text=text,
            actor=SystemActor(f"connector:{connector.slug}"),
            public=False,
            source={"connector": connector.slug},
        )
    except (CaseChanged, TransitionRefused):  # never expected without a version
        log.exception("could not note a handoff on the timeline")


# ------------------------------------------------------------------------------ senders


def _answer_json(answer: http.Answer, what: str):
    if not answer.ok:
        raise SendFailed(answer.error or f"HTTP {answer.status}")
    try:
        return json.loads(answer.body or b"null")
    except ValueError:
        raise SendFailed(f"{what} answered with something that is not JSON") from None


def open311_fields(connector: Connector, case: Case, route: ServiceRoute | None) -> list:
    """The form fields of a GeoReport v2 POST requests for a case: attribute[...] from the
    answers, the standard fields for location, email, name and phone."""
    form = case.service.form
    fields: list[tuple[str, str]] = [
        ("api_key", connector.credential),
        ("service_code", (route.remote_service_code if route else "") or case.service.slug),
    ]
    if case.latitude is not None and case.longitude is not None:
        fields += [("lat", str(case.latitude)), ("long", str(case.longitude))]
    if case.property_id:
        fields.append(("address_id", str(case.property_id)))
    if case.location_description:
        fields.append(("address_string", case.location_description))
    attributes: dict[str, str] = {}
    description = ""
    for question in form.questions:
        value = case.answers.get(question.id)
        if value in (None, "", []) or question.case_location or question.type == "file":
            continue
        if question.type == "email":
            fields.append(("email", str(value)))
        elif question.type == "phone":
            fields.append(("phone", str(value)))
        elif question.type == "name":
            first, _, last = str(value).partition(" ")
            fields += [("first_name", first), ("last_name", last or "-")]
        else:
            attributes[question.id] = ",".join(value) if isinstance(value, list) else str(value)
            if question.type == "text" and not description:
                description = str(value)
    if route:
        attributes.update({k: str(v) for k, v in (route.fixed_attributes or {}).items()})
    fields += [(f"attribute[{code}]", value) for code, value in attributes.items()]
    fields.append(("description", description or f"{case.service.name} ({case.reference})"))
    return fields


def send_open311(connector: Connector, case: Case, route: ServiceRoute | None) -> str:
    body = urlencode(open311_fields(connector, case, route)).encode()
    answer = http.request(
        connector.endpoint.rstrip("/") + "/requests.json",
        method="POST",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
            # The other system makes one request however often this is retried.
            "Idempotency-Key": f"borough-{case.reference}",
        },
    )
    document = _answer_json(answer, connector.name)
    try:
        external_id = str(document[0]["service_request_id"]).strip()
    except (IndexError, KeyError, TypeError):
        raise SendFailed(f"{connector.name} did not answer with a service_request_id") from None
    if not external_id or external_id == "None":
        raise SendFailed(f"{connector.name} did not answer with a service_request_id")
    return external_id[:100]


def send_json(connector: Connector, case: Case, route: ServiceRoute | None) -> str:
    body = json.dumps(
        {
            "reference": case.reference,
            "case": case_document(case, scopes=["cases.read", "residents.read"]),
        },
        cls=DjangoJSONEncoder,
        separators=(",", ":"),
    ).encode()
    headers = {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "Idempotency-Key": f"borough-{case.reference}",
    }
    if connector.credential:
        headers["Authorization"] = f"Bearer {connector.credential}"
    if connector.signing_secret:
        headers["Borough-Signature"] = sign(
            connector.signing_secret, body, int(timezone.now().timestamp())
        )
    answer = http.request(connector.endpoint, method="POST", body=body, headers=headers)
    document = _answer_json(answer, connector.name)
    external_id = ""
    if isinstance(document, dict):
        external_id = str(document.get("external_id") or document.get("id") or "").strip()
    if not external_id:
        raise SendFailed(f'{connector.name} did not answer with an id (JSON "id")')
    return external_id[:100]


def send_email_connector(connector: Connector, case: Case, route: ServiceRoute | None) -> str:
    form = case.service.form
    lines = [f"Reference: {case.reference}", f"Service: {case.service.name}"]
    if case.location_description:
        lines.append(f"Place: {case.location_description}")
    if case.property_id:
        lines.append(f"UPRN: {case.property_id}")
    for question in form.questions:
        value = case.answers.get(question.id)
        if value in (None, "", []) or question.case_location or question.type == "file":
            continue
        shown = (
            ", ".join(question.option_label(v) for v in value)
            if isinstance(value, list)
            else (question.option_label(value) if question.type == "selection" else value)
        )
        lines.append(f"{question.label}: {shown}")
    try:
        send_email(
            to=connector.email,
            template_key="case_handoff",
            context={
                "subject": f"New {case.service.name} request {case.reference}",
                "body": "\n".join(lines)
                + f"\n\nSend updates to Borough quoting reference {case.reference}.",
            },
            case=case,
        )
    except Exception as failure:  # noqa: BLE001 (any mail failure is a failed send, retried)
        raise SendFailed(f"The email could not be sent ({type(failure).__name__})") from None
    return case.reference


SENDERS = {
    Connector.Kind.OPEN311: send_open311,
    Connector.Kind.JSON: send_json,
    Connector.Kind.EMAIL: send_email_connector,
}


# ------------------------------------------------------------------------------ inbound


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
    description = (description or "").strip()
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
                case = case_transition(
                    case=case,
                    to_state=state if case.service.flow.state(state) else "",
                    to_status="" if case.service.flow.state(state) else state,
                    resolution=resolution,
                    actor=SystemActor(f"connector:{connector.slug}"),
                    note=description,
                    source=source,
                )
                event = case.events.order_by("-id").first()
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
        updates = _answer_json(answer, connector.name)
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
        query = urlencode({"service_request_id": ",".join(chunk), "api_key": connector.credential})
        answer = http.request(
            f"{connector.endpoint.rstrip('/')}/requests.json?{query}",
            headers={"Accept": "application/json"},
        )
        try:
            found = _answer_json(answer, connector.name)
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
