"""GOV.UK Pay's webhooks in: verified, recorded once, then the payment is asked for.

Pay signs each message with the webhook's signing secret: ``Pay-Signature`` is the hex
HMAC-SHA256 of the raw body. A message with a wrong or missing signature is refused and changes
nothing; a message id seen before is answered and ignored (a replay); otherwise Borough asks
Pay for the payment (``GET``, never trusting the body) and records what it says, so a resident
who paid and closed the tab still gets their request made.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging

from django.conf import settings
from django.db import IntegrityError, transaction

from .client import PayClient
from .models import Payment, PayWebhookReceipt
from .services import payment_sync

log = logging.getLogger(__name__)


class WebhookRefused(Exception):
    pass


def signature_valid(body: bytes, signature: str) -> bool:
    secret = settings.GOVUK_PAY_WEBHOOK_SECRET
    if not secret or not signature:
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature.strip().lower())


def webhook_receive(body: bytes, signature: str, *, client: PayClient | None = None) -> bool:
    """Handle one webhook message. True if it was new, False for a replay; raises
    ``WebhookRefused`` for a forged or malformed one."""
    if not signature_valid(body, signature):
        raise WebhookRefused("the Pay-Signature does not match the body")
    try:
        message = json.loads(body)
        message_id = str(message["webhook_message_id"])
        resource_id = str(message["resource_id"])
        event_type = str(message.get("event_type", ""))
    except (ValueError, KeyError, TypeError) as bad:
        raise WebhookRefused("not a GOV.UK Pay webhook message") from bad
    try:
        with transaction.atomic():
            PayWebhookReceipt.objects.create(
                message_id=message_id[:64], event_type=event_type[:64], resource_id=resource_id[:64]
            )
    except IntegrityError:
        return False
    payment = Payment.objects.filter(pay_id=resource_id).first()
    if payment is None:
        log.info("pay.webhook_unknown_payment")
        return True
    payment_sync(payment, client=client)
    return True


def webhook_receive_safely(body: bytes, signature: str) -> None:
    """The sandbox's delivery: a failure is logged, as Pay would retry it; the resident's
    return asks Pay again anyway."""
    try:
        webhook_receive(body, signature)
    except Exception:  # noqa: BLE001 - a delivery must never break the card page
        log.exception("pay.sandbox_webhook_failed")
