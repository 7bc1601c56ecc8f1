"""Sending messages. Every message goes through ``send_email`` and is kept in the outbox.

Providers (``BOROUGH_NOTIFY_PROVIDER``):

- ``outbox`` (embedded default): the **sandbox**. The message is recorded in ``Message`` and
  nothing leaves the machine; staff read it in the hub's outbox.
- ``email``: recorded the same way, then sent with Django's email backend (SMTP from
  ``EMAIL_URL`` in production).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Message

log = logging.getLogger(__name__)

# The messages Borough writes. Each has ``notify/email/<key>_subject.txt`` and ``_body.txt``.
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
}

PROVIDERS = ("outbox", "email")


def provider_name() -> str:
    name = getattr(settings, "BOROUGH_NOTIFY_PROVIDER", "outbox")
    if name not in PROVIDERS:
        raise ImproperlyConfigured(f"BOROUGH_NOTIFY_PROVIDER must be one of {', '.join(PROVIDERS)}")
    return name


def render(template_key: str, context: dict[str, Any]) -> tuple[str, str]:
    """The subject (one line) and body of a message from its templates."""
    if template_key not in TEMPLATES:
        raise ValueError(f"no message template {template_key!r}")
    context = {"council": settings.COUNCIL_NAME, "site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"notify/email/{template_key}_subject.txt", context)
    body = render_to_string(f"notify/email/{template_key}_body.txt", context)
    return " ".join(subject.split())[:250], body.strip() + "\n"


def send_email(
    *,
    to: str,
    template_key: str,
    context: dict[str, Any],
    case=None,
    unsubscribe_url: str = "",
) -> Message:
    """Write a message from a template, record it in the outbox and hand it to the provider.

    ``unsubscribe_url`` (alerts, issue 25) is a one-click unsubscribe link: the email carries it
    as the RFC 8058 ``List-Unsubscribe`` and ``List-Unsubscribe-Post`` headers.

    Returns the recorded message. With the email provider a failed send is recorded as failed
    and the error raised again, so a background task can retry (each try is recorded).
    """
    subject, body = render(template_key, context)
    provider = provider_name()
    message = Message.objects.create(
        to=to,
        subject=subject,
        body=body,
        template=template_key,
        case=case,
        provider=provider,
        status=Message.Status.SANDBOX if provider == "outbox" else Message.Status.SENT,
        created=timezone.now(),
    )
    if provider == "email":
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
