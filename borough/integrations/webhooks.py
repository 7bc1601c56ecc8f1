"""Webhooks out: case events numbered per case, one delivery per (subscription, event), sent in
order per case and subscription, signed, retried with backoff, dead-lettered, replayable.

How a delivery goes (docs/how-to/webhooks.md, ADR 0017):

- ``publish`` (after a case event commits) gives the event the next ``sequence`` of its case and
  writes one ``Delivery`` per active subscription wanting that type, with the body fixed; the
  task that called it (``tasks.case_event_published``) queues their sending.
- ``deliver_pending`` sends the pending deliveries of one (subscription, case) in sequence order,
  stopping at the first that fails: a later event of the case never overtakes an earlier one.
  Each delivery is claimed by a conditional update (a short lease) under
  ``select_for_update(skip_locked=True)``, so two workers never send the same row; a 2xx answer
  marks it delivered and a delivered row is never sent again by the queue.
- A failure schedules the next try 1, 2, 4, 8 ... minutes later (with jitter, at most 6 hours
  apart); after ``MAX_ATTEMPTS`` tries or 24 hours the delivery is dead-lettered, and the next
  event of the case may go.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
import logging
import random
import secrets
import time
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from borough.cases.models import Case, CaseEvent, Status

from . import http
from .models import Delivery, DeliveryAttempt, EventType, OutboundEvent, WebhookSubscription

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 12
GIVE_UP_AFTER = dt.timedelta(hours=24)
FIRST_RETRY = dt.timedelta(minutes=1)
LONGEST_WAIT = dt.timedelta(hours=6)
LEASE = dt.timedelta(seconds=60)  # longer than one try (http.TIMEOUT_SECONDS)
# Deprecated: sent beside the Standard Webhooks headers for one more release (ADR 0017 note).
SIGNATURE_HEADER = "Borough-Signature"
SECRET_PREFIX = "whsec_"  # noqa: S105 (the prefix Standard Webhooks gives secrets)

# Timeline events other systems hear of. Internal notes, emails sent and SLA markers are not
# changes to the case another system acts on.
UPDATE_KINDS = {
    CaseEvent.Kind.PUBLIC_UPDATE,
    CaseEvent.Kind.ASSIGNED,
    CaseEvent.Kind.PRIORITY_CHANGED,
    CaseEvent.Kind.TRANSFERRED,
}


def event_type_for(event: CaseEvent) -> str | None:
    """The webhook event type of a timeline event, or None for one not published."""
    if event.kind == CaseEvent.Kind.CREATED:
        return EventType.CASE_CREATED
    if event.kind == CaseEvent.Kind.MARKED_DUPLICATE:
        return EventType.CASE_CLOSED
    if event.kind == CaseEvent.Kind.STATUS_CHANGED:
        closing = event.data.get("status") == Status.CLOSED
        was_closed = event.data.get("from_status") == Status.CLOSED
        return (
            EventType.CASE_CLOSED if closing and not was_closed else EventType.CASE_STATUS_CHANGED
        )
    if event.kind in UPDATE_KINDS:
        return EventType.CASE_UPDATED
    return None


def signing_key(secret: str) -> bytes:
    """The HMAC key of a secret, as Standard Webhooks defines it: the base64 after ``whsec_``,
    decoded. Subscription secrets made before Standard Webhooks were URL-safe base64 and are
    decoded as such (docs/how-to/webhooks.md says how to convert one for a library); a secret
    without the prefix (a JSON connector's, typed by an admin) is used as its UTF-8 bytes."""
    if not secret.startswith(SECRET_PREFIX):
        return secret.encode()
    encoded = secret[len(SECRET_PREFIX) :]
    padded = encoded + "=" * (-len(encoded) % 4)
    try:
        return base64.b64decode(padded, validate=True)
    except binascii.Error:
        pass
    try:
        return base64.urlsafe_b64decode(padded)
    except binascii.Error:
        return secret.encode()


def standard_signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value: ``v1,`` and the base64 HMAC-SHA256 of
    ``<webhook-id>.<webhook-timestamp>.<body>`` (Standard Webhooks 1.0, symmetric)."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(signing_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def standard_headers(secret: str, message_id: str, body: bytes, timestamp: int) -> dict[str, str]:
    """The three Standard Webhooks headers for one request; ``message_id`` stays the same on
    every try and replay (receivers deduplicate on it) and holds no full stop."""
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": standard_signature(secret, message_id, timestamp, body),
    }


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The deprecated ``Borough-Signature`` header value (sent for one more release beside the
    Standard Webhooks headers): HMAC-SHA256 of ``<timestamp>.<body>`` keyed with the secret's
    text, as hex."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def verify(secret: str, body: bytes, header: str, *, now: int, tolerance: int = 300) -> bool:
    """Whether a (deprecated) ``Borough-Signature`` header signs ``body`` with ``secret`` within
    ``tolerance`` seconds of ``now``, compared in constant time."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


def new_secret() -> str:
    """A signing secret as Standard Webhooks serialises one: ``whsec_`` and 32 random bytes in
    standard base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


# ------------------------------------------------------------------------------ payload


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def case_document(case: Case, *, scopes: list[str]) -> dict:
    """The case as a subscriber sees it: public fields; the place with ``cases.read``; the
    answers to personal questions with ``residents.read``."""
    form = case.service.form
    answers = {}
    for question in form.questions:
        if question.case_location or question.id not in case.answers:
            continue
        if question.personal_data and "residents.read" not in scopes:
            continue
        answers[question.id] = case.answers[question.id]
    document = {
        "reference": case.reference,
        "service": {"code": case.service.slug, "name": case.service.name},
        "status": case.status,
        "state": case.state,
        "state_label": case.state_label,
        "public_state_label": case.public_state_label,
        "resolution": case.resolution,
        "priority": case.priority,
        "channel": case.channel,
        "created_at": _iso(case.created_at),
        "updated_at": _iso(case.updated_at),
        "due_date": _iso(case.due_date),
        "closed_at": _iso(case.closed_at),
        "answers": answers,
    }
    if "cases.read" in scopes:
        document["location"] = {
            "uprn": case.property_id,
            "usrn": case.street_id,
            "description": case.location_description,
            "latitude": str(case.latitude) if case.latitude is not None else None,
            "longitude": str(case.longitude) if case.longitude is not None else None,
        }
    return document


def payload(outbound: OutboundEvent, event: CaseEvent, case: Case, *, scopes: list[str]) -> str:
    change: dict = {"kind": event.kind}
    if event.kind == CaseEvent.Kind.STATUS_CHANGED:
        change.update(
            from_state=event.data.get("from"),
            to_state=event.data.get("to"),
            from_status=event.data.get("from_status"),
            to_status=event.data.get("status"),
        )
    if event.is_public and event.text:
        change["text"] = event.text
    document = {
        "id": str(outbound.event_id),
        "type": outbound.type,
        "occurred_at": _iso(outbound.occurred_at),
        "sequence": outbound.sequence,
        "case": case_document(case, scopes=scopes),
        "change": change,
    }
    return json.dumps(document, cls=DjangoJSONEncoder, separators=(",", ":"), sort_keys=True)


# ------------------------------------------------------------------------------ publishing


@dataclass(frozen=True)
class Published:
    """A case event numbered for subscribers, and the subscriptions given a delivery of it now
    (none when it had been published before), whose queues are to be sent."""

    outbound: OutboundEvent
    subscription_ids: tuple[int, ...] = ()


def publish(*, case_event_id: int, now: dt.datetime | None = None) -> Published | None:
    """Number a committed case event within its case and write its deliveries. Idempotent: an
    event already published is returned as it was, with no new deliveries. Returns None for
    events not published."""
    now = now or timezone.now()
    event = CaseEvent.objects.select_related("case__service").filter(pk=case_event_id).first()
    if event is None:
        return None
    event_type = event_type_for(event)
    if event_type is None:
        return None
    subscriptions = [
        s
        for s in WebhookSubscription.objects.select_related("client").filter(
            is_active=True, client__is_active=True
        )
        if event_type in s.event_types
    ]
    if not subscriptions:
        return None  # nobody listens: the event is not numbered (sequences may start later)
    for _ in range(3):
        try:
            with transaction.atomic():
                # The case's row lock makes the numbering of its events one at a time.
                case = (
                    Case.objects.select_for_update().select_related("service").get(pk=event.case_id)
                )
                existing = OutboundEvent.objects.filter(case_event=event).first()
                if existing is not None:
                    return Published(existing)
                last = OutboundEvent.objects.filter(case=case).aggregate(n=Max("sequence"))["n"]
                outbound = OutboundEvent.objects.create(
                    type=event_type,
                    case=case,
                    case_event=event,
                    sequence=(last or 0) + 1,
                    occurred_at=event.at,
                )
                Delivery.objects.bulk_create(
                    Delivery(
                        subscription=s,
                        event=outbound,
                        case_id=case.pk,
                        sequence=outbound.sequence,
                        body=payload(outbound, event, case, scopes=list(s.client.scopes)),
                        created_at=now,
                        next_attempt_at=now,
                    )
                    for s in subscriptions
                )
                return Published(outbound, tuple(s.pk for s in subscriptions))
        except IntegrityError:
            continue  # another worker numbered an event of the case at the same moment
    raise RuntimeError(f"could not number case event {case_event_id}")


# ------------------------------------------------------------------------------ delivering


def backoff(attempts: int, *, rng: random.Random | None = None) -> dt.timedelta:
    """How long to wait after the ``attempts``-th failed try: 1, 2, 4 ... minutes, at most 6
    hours, give or take a fifth (so many failing deliveries do not all retry at once)."""
    wait = min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_WAIT)
    return wait * (rng or random).uniform(0.8, 1.2)


def _claim_head(subscription_id: int, case_id: int, now: dt.datetime) -> Delivery | None:
    """The earliest pending delivery of the case for the subscription, claimed for this worker,
    if it is due and no other worker holds it; else None (and nothing later is sent either)."""
    with transaction.atomic():
        head = (
            Delivery.objects.filter(
                subscription_id=subscription_id, case_id=case_id, status=Delivery.Status.PENDING
            )
            .order_by("sequence")
            .values_list("pk", flat=True)
            .first()
        )
        if head is None:
            return None
        row = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("subscription", "event")
            .filter(pk=head)
            .first()
        )
        if row is None:
            return None  # another worker is on it
        claim = secrets.token_hex(16)
        taken = (
            Delivery.objects.filter(pk=head, status=Delivery.Status.PENDING)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .update(claim=claim, claimed_until=now + LEASE)
        )
        if not taken:
            return None
        row.claim = claim
        return row


def _post(delivery: Delivery, *, replay: bool = False) -> http.Answer:
    body = delivery.body.encode()
    # The time of this try by the clock, not the batch's ``now`` (which may be minutes old in a
    # long run of deliveries, or moved by a test): receivers refuse timestamps 5 minutes off.
    secret, timestamp = delivery.subscription.secret, int(time.time())
    event_id = str(delivery.event.event_id)
    headers = {
        "Content-Type": "application/json",
        **standard_headers(secret, event_id, body, timestamp),
        SIGNATURE_HEADER: sign(secret, body, timestamp),
        "Borough-Event-Id": event_id,
        "Borough-Event-Type": delivery.event.type,
        "Borough-Delivery": str(delivery.pk),
    }
    if replay:
        headers["Borough-Replay"] = "1"
    return http.request(delivery.subscription.target_url, method="POST", body=body, headers=headers)


def _attempt_write(delivery: Delivery, answer: http.Answer, *, now: dt.datetime, **extra) -> dict:
    """Keep one try in the delivery's attempt log; returns the delivery's "last try" fields."""
    DeliveryAttempt.objects.create(
        delivery=delivery,
        at=now,
        status_code=answer.status,
        duration_ms=answer.duration_ms,
        error=answer.error[:300],
        **extra,
    )
    return {
        "last_status_code": answer.status,
        "last_error": answer.error[:300],
        "last_duration_ms": answer.duration_ms,
    }


def _record(delivery: Delivery, answer: http.Answer, *, now: dt.datetime, claim: str) -> bool:
    """Write what one try did. Returns whether it was delivered."""
    with transaction.atomic():
        attempts = delivery.attempts + 1
        changes = _attempt_write(delivery, answer, now=now)
        changes.update(attempts=attempts, claim="", claimed_until=None)
        next_at = now + backoff(attempts)
        if answer.ok:
            changes.update(status=Delivery.Status.DELIVERED, delivered_at=now, next_attempt_at=None)
        elif attempts >= MAX_ATTEMPTS or next_at - delivery.created_at > GIVE_UP_AFTER:
            # Given up: the next try would be the last allowed one or past the 24 hours.
            changes.update(status=Delivery.Status.DEAD, next_attempt_at=None)
        else:
            changes.update(next_attempt_at=next_at)
        Delivery.objects.filter(pk=delivery.pk, claim=claim).update(**changes)
    if not answer.ok:
        log.warning(
            "webhook delivery failed",
            extra={"delivery_id": delivery.pk, "status": answer.status, "attempts": attempts},
        )
    return answer.ok


def deliver_pending(*, subscription_id: int, case_id: int, now: dt.datetime | None = None) -> int:
    """Send the due deliveries of one case to one subscription, in order, until one fails.

    Returns how many were delivered. Nothing is sent for a paused subscription.
    """
    delivered = 0
    while True:
        moment = now or timezone.now()
        if not WebhookSubscription.objects.filter(
            pk=subscription_id, is_active=True, client__is_active=True
        ).exists():
            return delivered
        delivery = _claim_head(subscription_id, case_id, moment)
        if delivery is None:
            return delivered
        answer = _post(delivery)
        if not _record(delivery, answer, now=moment, claim=delivery.claim):
            return delivered
        delivered += 1


def deliver_due(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Send what is due across every subscription and case (the periodic task). Returns how
    many deliveries were delivered."""
    now = now or timezone.now()
    pairs = (
        Delivery.objects.filter(
            status=Delivery.Status.PENDING,
            next_attempt_at__lte=now,
            subscription__is_active=True,
            subscription__client__is_active=True,
        )
        .values_list("subscription_id", "case_id")
        .order_by("subscription_id", "case_id")
        .distinct()[:limit]
    )
    return sum(
        deliver_pending(subscription_id=sub, case_id=case, now=now) for sub, case in list(pairs)
    )


def replay(*, delivery: Delivery, actor, now: dt.datetime | None = None) -> http.Answer:
    """Send a delivered or dead-lettered delivery again, as it was (marked ``Borough-Replay``).

    A dead letter that gets a 2xx answer becomes delivered. Called by the replay task.
    """
    now = now or timezone.now()
    delivery = Delivery.objects.select_related("subscription", "event").get(pk=delivery.pk)
    answer = _post(delivery, replay=True)
    with transaction.atomic():
        changes = _attempt_write(delivery, answer, now=now, replay=True, actor=actor)
        if answer.ok and delivery.status == Delivery.Status.DEAD:
            changes.update(status=Delivery.Status.DELIVERED, delivered_at=now)
        Delivery.objects.filter(pk=delivery.pk).update(**changes)
    return answer
