"""GOV.UK Notify's callbacks: delivery receipts, received text messages and returned letters.

Each callback carries the bearer token the council set in Notify's "API integration" page;
it is compared with ``NOTIFY_CALLBACK_TOKEN`` in constant time, and a wrong or missing one
changes nothing (401). A receipt finds its message by ``reference`` (Borough's message id) and
must carry the Notify id of that message's latest try; a replayed or late receipt changes
nothing. Each receiver returns the HTTP status to answer.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import logging
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .models import Message, ReceivedText
from .services import retry_later
from .signals import announce

log = logging.getLogger(__name__)

RECEIPT_STATUSES = {
    "delivered": Message.Status.DELIVERED,
    "permanent-failure": Message.Status.PERMANENT_FAILURE,
    "temporary-failure": Message.Status.TEMPORARY_FAILURE,
    "technical-failure": Message.Status.TECHNICAL_FAILURE,
}
# States a later receipt cannot undo.
FINAL = {
    Message.Status.DELIVERED,
    Message.Status.PERMANENT_FAILURE,
    Message.Status.RETURNED,
    Message.Status.FAILED,
}
RETRYABLE = {Message.Status.TEMPORARY_FAILURE, Message.Status.TECHNICAL_FAILURE}

# What to do with a text a resident sent: set by an app above notify (``cases.apps``), which
# finds the resident and their case and records the contact there. Each takes the
# ``ReceivedText`` and may set its ``case`` and ``resident``; one that returns True has dealt
# with the text (a STOP reply ending alerts), and the handlers after it are not asked.
text_handlers: list[Callable[[ReceivedText], bool | None]] = []


def callback_authorised(header: str) -> bool:
    expected = settings.NOTIFY_CALLBACK_TOKEN
    if not expected or not header.startswith("Bearer "):
        return False
    return hmac.compare_digest(header[len("Bearer ") :].encode(), expected.encode())


def _payload(body: bytes) -> dict | None:
    try:
        data = json.loads(body)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _when(text) -> dt.datetime:
    moment = parse_datetime(text) if isinstance(text, str) else None
    return moment or timezone.now()


def delivery_receipt_receive(body: bytes, authorization: str) -> int:
    """A delivery receipt for an email or text message."""
    if not callback_authorised(authorization):
        log.warning("notify receipt refused: wrong bearer token")
        return 401
    data = _payload(body)
    if data is None or not data.get("id") or data.get("status") not in RECEIPT_STATUSES:
        return 400
    reference = str(data.get("reference") or "")
    if not reference.isdigit():
        return 200  # not one of Borough's messages (a smoke test, another system): nothing to do
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=int(reference)).first()
        if message is None or message.notify_id != str(data["id"]):
            return 200  # a receipt for an earlier try, or for nothing we sent
        status = RECEIPT_STATUSES[data["status"]]
        if message.status == status or message.status in FINAL:
            return 200  # replayed, or late: what we know already stands
        message.status = status
        message.status_at = _when(data.get("completed_at"))
        if status == Message.Status.PERMANENT_FAILURE:
            message.error = "The address or number is wrong, or no longer used"
        message.save(update_fields=["status", "status_at", "error"])
        if status in RETRYABLE:
            retry_later(message, f"GOV.UK Notify: {data['status']}")
        if status == Message.Status.PERMANENT_FAILURE:
            announce(
                message.case_id,
                "delivery_failed",
                {"message_id": message.pk, "channel": message.channel},
            )
    log.info("notify receipt", extra={"message_id": message.pk, "status": status})
    return 200


def returned_letter_receive(body: bytes, authorization: str) -> int:
    """A letter came back to the council: the message is marked, so staff see it on the
    resident's page and in the outbox."""
    if not callback_authorised(authorization):
        log.warning("notify returned letter refused: wrong bearer token")
        return 401
    data = _payload(body)
    if data is None or not data.get("notification_id"):
        return 400
    with transaction.atomic():
        updated = Message.objects.filter(
            notify_id=str(data["notification_id"]), channel="letter"
        ).exclude(status=Message.Status.RETURNED)
        returned = list(updated.values_list("pk", "case_id"))
        updated.update(
            status=Message.Status.RETURNED,
            status_at=timezone.now(),
            error="Returned to the council: check the address",
            next_attempt_at=None,
        )
        for message_id, case_id in returned:  # a replay finds it returned: told once
            announce(case_id, "letter_returned", {"message_id": message_id})
    return 200


def received_text_receive(body: bytes, authorization: str) -> int:
    """A text message a resident sent the council's Notify number. Kept once (a replay is
    recognised by Notify's id), then put on the resident's case by ``text_handlers``."""
    if not callback_authorised(authorization):
        log.warning("notify received text refused: wrong bearer token")
        return 401
    data = _payload(body)
    if (
        data is None
        or not data.get("id")
        or not data.get("source_number")
        or not isinstance(data.get("message"), str)
    ):
        return 400
    try:
        with transaction.atomic():
            text = ReceivedText.objects.create(
                notify_id=str(data["id"])[:36],
                source_number=str(data["source_number"])[:20],
                destination_number=str(data.get("destination_number") or "")[:20],
                message=data["message"][:2000],
                received_at=_when(data.get("date_received")),
            )
            for handler in text_handlers:
                if handler(text):
                    break
            if text.case_id or text.resident_id:
                text.save(update_fields=["case", "resident"])
            announce(text.case_id, "reply_received", {"received_text_id": text.pk})
    except IntegrityError:
        return 200  # the same text again (Notify retries): kept once already
    return 200
