"""Sending messages. Every message goes through ``send_message`` (``send_email`` for email) and
is kept in the outbox, whatever happens to it next.

Providers (``BOROUGH_NOTIFY_PROVIDER``):

- ``notify`` (the default): GOV.UK Notify, or its embedded sandbox when no API key is set.
  Email, text messages and letters from the council's Notify templates; delivery receipts
  update each message. A message Notify cannot take now (down, 429, 5xx) is kept and tried
  again with backoff (``messages_retry_due``); one it refuses, or that fails for good, is marked
  for staff to act on in the hub's outbox. Nothing is dropped silently.
- ``email``: recorded, then sent with Django's email backend (SMTP from ``EMAIL_URL``). Email
  only: a text or letter is recorded as failed, for staff to see.
- ``outbox``: recorded only; nothing is sent.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import TemplateDoesNotExist, render_to_string
from django.utils import timezone

from borough.core.brand import brand_current

from .govuk_notify import NotifyRefused, NotifyUnavailable, notify_send
from .models import Message, MessageChannel
from .signals import announce

log = logging.getLogger(__name__)

# The messages Borough writes. Each has ``notify/email/<key>_subject.txt`` and ``_body.txt``;
# those sent to residents also have ``notify/sms/<key>.txt`` for a text message. A letter uses
# the email's subject and body.
TEMPLATES = {
    "case_acknowledgement": "Acknowledgement of a new request (to the resident)",
    "case_update": "Public update on a request (to the resident)",
    "team_resident_update": "The resident added information (to the team)",
    "team_not_fixed": "The resident says it is not fixed (to the team)",
    "team_overdue": "Cases now overdue (to team leads)",
    "case_handoff": "A new case sent on to a back-office mailbox (integrations connector)",
    "alert_confirm": "Confirm an alert for reports (to the address given)",
    "alert_update": "A report followed was made or updated (to an alert's address)",
    "rights_outcome": "The outcome of a rectification or objection (to the person; governance)",
    "organisation_invite": "An invitation to join an organisation's account (to the invitee)",
    "enquiry_update": "A public update on a member enquiry (to the councillor who raised it)",
    "inclusion_message": "A device loan, skills session or survey message (to the resident)",
}

PROVIDERS = ("notify", "email", "outbox")
# How long to wait before each new try of a message Notify could not take or deliver, and
# how many tries in all before staff are asked to act.
BACKOFF_SECONDS = (60, 300, 1800, 7200)
MAX_ATTEMPTS = len(BACKOFF_SECONDS) + 1


def provider_name() -> str:
    name = getattr(settings, "BOROUGH_NOTIFY_PROVIDER", "notify")
    if name not in PROVIDERS:
        raise ImproperlyConfigured(f"BOROUGH_NOTIFY_PROVIDER must be one of {', '.join(PROVIDERS)}")
    return name


def channels_available() -> tuple[str, ...]:
    """The channels the provider can send by: SMTP sends email only."""
    if provider_name() == "email":
        return (MessageChannel.EMAIL.value,)
    return tuple(MessageChannel.values)


def _context(context: dict[str, Any]) -> dict[str, Any]:
    # The organisation's name as the hub set it (issue 25, ``core.brand``), else the setting's.
    return {"council": brand_current().council_name, "site_url": settings.SITE_URL, **context}


def render(template_key: str, context: dict[str, Any]) -> tuple[str, str]:
    """The subject (one line) and body of an email (or letter) from its templates."""
    if template_key not in TEMPLATES:
        raise ValueError(f"no message template {template_key!r}")
    context = _context(context)
    subject = render_to_string(f"notify/email/{template_key}_subject.txt", context)
    body = render_to_string(f"notify/email/{template_key}_body.txt", context)
    return " ".join(subject.split())[:250], body.strip() + "\n"


def render_text(template_key: str, context: dict[str, Any]) -> str:
    """A text message's words: short, from ``notify/sms/<key>.txt``."""
    try:
        text = render_to_string(f"notify/sms/{template_key}.txt", _context(context))
    except TemplateDoesNotExist:
        raise ValueError(f"no text message template for {template_key!r}") from None
    return text.strip()


def _personalisation(
    context: dict[str, Any], subject: str, body: str, address: list[str]
) -> dict[str, str]:
    """What Notify's template is filled with: Borough's own words (``subject``, ``body``, for a
    council whose template is just ``((body))``) and every value they were written from, so a
    council may write its own wording in Notify instead. Letters add the address lines."""
    values = {
        key: str(value)
        for key, value in _context(context).items()
        if isinstance(value, str | int | bool) and key not in {"subject", "body"}
    }
    values.update(subject=subject, body=body)
    for number, line in enumerate(address[:7], start=1):
        values[f"address_line_{number}"] = line
    return values


def send_message(
    *,
    channel: str,
    to: str = "",
    template_key: str,
    context: dict[str, Any],
    case=None,
    resident=None,
    address: list[str] | None = None,
    unsubscribe_url: str = "",
) -> Message:
    """Write a message from a template, record it in the outbox and hand it to the provider.

    ``unsubscribe_url`` (alerts, issue 25) is a one-click unsubscribe link: an email carries it
    as the RFC 8058 ``List-Unsubscribe`` and ``List-Unsubscribe-Post`` headers (Notify sets
    them from ``one_click_unsubscribe_url``, taken from the personalisation).

    ``channel`` is email, sms or letter; ``to`` the email address or phone number; a letter
    takes ``address`` (3 to 7 lines, the last a postcode). Returns the recorded message.
    With the email provider a failed send is recorded as failed and the error raised again,
    so a background task can retry. With Notify a failure is kept and retried here.
    """
    if channel not in MessageChannel.values:
        raise ValueError(f"no channel {channel!r}")
    address = [line for line in (address or []) if line]
    if channel == MessageChannel.LETTER:
        if len(address) < 3:
            raise ValueError("a letter needs an address of at least 3 lines")
        to = ", ".join(address)[:254]
    elif not to:
        raise ValueError(f"a message by {channel} needs someone to send it to")
    subject, body = render(template_key, context)
    if channel == MessageChannel.SMS:
        body = render_text(template_key, context)
    provider = provider_name()
    message = Message.objects.create(
        to=to,
        channel=channel,
        subject=subject,
        body=body,
        template=template_key,
        personalisation=_personalisation(context, subject, body, address),
        case=case,
        resident=resident,
        provider=provider,
        status=Message.Status.SANDBOX if provider == "outbox" else Message.Status.SENT,
        created=timezone.now(),
    )
    if provider == "notify":
        message_deliver(message)
    elif provider == "email" and channel != MessageChannel.EMAIL:
        _give_up(message, f"The email provider cannot send a {message.get_channel_display()}")
    elif provider == "email":
        try:
            headers = (
                {
                    "List-Unsubscribe": f"<{unsubscribe_url}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                }
                if unsubscribe_url
                else None
            )
            EmailMessage(subject=subject, body=body, to=[to], headers=headers).send()
        except Exception as error:
            message.status = Message.Status.FAILED
            message.error = type(error).__name__[:200]
            message.save(update_fields=["status", "error"])
            log.warning("message not sent", extra={"message_id": message.pk})
            raise
    log.info(
        "message recorded",
        extra={"message_id": message.pk, "template": template_key, "provider": provider},
    )
    return message


def send_email(
    *,
    to: str,
    template_key: str,
    context: dict[str, Any],
    case=None,
    unsubscribe_url: str = "",
) -> Message:
    """An email to someone: ``send_message`` by email."""
    return send_message(
        channel=MessageChannel.EMAIL,
        to=to,
        template_key=template_key,
        context={**context, "unsubscribe_url": unsubscribe_url} if unsubscribe_url else context,
        case=case,
        unsubscribe_url=unsubscribe_url,
    )


def _give_up(message: Message, reason: str) -> None:
    message.status = Message.Status.FAILED
    message.error = reason[:200]
    message.next_attempt_at = None
    message.status_at = timezone.now()
    message.save(update_fields=["status", "error", "next_attempt_at", "status_at"])
    log.warning("message failed for good", extra={"message_id": message.pk})
    announce(
        message.case_id, "delivery_failed", {"message_id": message.pk, "channel": message.channel}
    )


def retry_later(message: Message, reason: str, *, now: dt.datetime | None = None) -> None:
    """Keep a message that did not go (or was not delivered) to try again after a backoff, or,
    once it has had every try, mark it failed for staff. Saves it."""
    now = now or timezone.now()
    if message.attempts >= MAX_ATTEMPTS:
        _give_up(message, f"Tried {message.attempts} times. Last: {reason}")
        return
    message.error = reason[:200]
    message.next_attempt_at = now + dt.timedelta(
        seconds=BACKOFF_SECONDS[min(message.attempts, len(BACKOFF_SECONDS)) - 1]
    )
    if message.status not in {
        Message.Status.TEMPORARY_FAILURE,
        Message.Status.TECHNICAL_FAILURE,
    }:
        message.status = Message.Status.QUEUED
    message.save(update_fields=["status", "error", "next_attempt_at"])


def message_deliver(message: Message, *, now: dt.datetime | None = None) -> Message:
    """One try at handing a message to GOV.UK Notify. Never raises for Notify's sake: the
    outcome is on the message (sending, queued to try again, or failed for staff).

    One transaction: a receipt that arrives before Notify's id is saved waits for it (the
    receiver locks the row), and the sandbox sends its receipt only after the commit."""
    with transaction.atomic():
        return _deliver(message, now=now or timezone.now())


def _deliver(message: Message, *, now: dt.datetime) -> Message:
    message.attempts += 1
    try:
        sent = notify_send(message)
    except NotifyUnavailable as error:
        message.save(update_fields=["attempts"])
        retry_later(message, str(error), now=now)
        log.warning("notify unavailable: message kept", extra={"message_id": message.pk})
        return message
    except NotifyRefused as error:
        message.save(update_fields=["attempts"])
        _give_up(message, str(error))
        return message
    message.notify_id = sent.notify_id
    message.status = Message.Status.SENDING
    message.error = ""
    message.next_attempt_at = None
    message.status_at = now
    message.save(
        update_fields=["attempts", "notify_id", "status", "error", "next_attempt_at", "status_at"]
    )
    return message


def messages_retry_due(*, now: dt.datetime | None = None, limit: int = 200) -> int:
    """Try again every message whose wait is over (Notify was down, or it was not delivered
    for a reason that may pass). Returns how many were tried."""
    now = now or timezone.now()
    due = Message.objects.filter(
        provider="notify",
        status__in=[
            Message.Status.QUEUED,
            Message.Status.TEMPORARY_FAILURE,
            Message.Status.TECHNICAL_FAILURE,
        ],
        next_attempt_at__lte=now,
    ).order_by("next_attempt_at")[:limit]
    tried = 0
    for message in due:
        message_deliver(message, now=now)
        tried += 1
    return tried
