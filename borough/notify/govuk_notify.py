"""Sending through GOV.UK Notify with its official client, ``notifications-python-client``.

The same client code talks to real Notify and to the embedded sandbox: with
``NOTIFY_SANDBOX`` on, ``notify_client()`` mounts the sandbox's ``requests`` transport adapter on
the sandbox's base URL, so the client's real HTTP requests (its JWT, its JSON bodies) are
answered in-process. Notify's answers are sorted into what the caller must do next:

- ``NotifyRefused``: 4xx other than 429 (a bad address, a missing template, a bad key): sending
  the same again will not help; staff must look.
- ``NotifyUnavailable``: 429 (rate or daily limit), 5xx, a timeout or no connection: try again
  later; the message is kept.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import requests
from django.conf import settings
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient

from .models import Message, MessageChannel
from .sandbox import SandboxAdapter


class NotifyError(Exception):
    def __init__(self, message: str, *, status: int = 0):
        super().__init__(message)
        self.status = status


class NotifyRefused(NotifyError):
    """Notify refused what we sent: do not send it again unchanged."""


class NotifyUnavailable(NotifyError):
    """Notify could not take it now (429, 5xx, no answer): try again later."""


class NoTemplate(NotifyRefused):
    """The council has not said which Notify template this message uses."""


@dataclass(frozen=True)
class Sent:
    notify_id: str


def notify_client() -> NotificationsAPIClient:
    client = NotificationsAPIClient(
        settings.NOTIFY_API_KEY,
        base_url=settings.NOTIFY_BASE_URL,
        timeout=settings.NOTIFY_TIMEOUT_SECONDS,
    )
    if settings.NOTIFY_SANDBOX:
        client.request_session.mount(settings.NOTIFY_BASE_URL, SandboxAdapter())
    return client


def template_id(template_key: str, channel: str) -> str:
    """The Notify template for one of Borough's messages on one channel (``NOTIFY_TEMPLATES``).

    The sandbox takes any template id, so without a mapping it gets a stable made-up one."""
    configured = settings.NOTIFY_TEMPLATES.get(f"{template_key}.{channel}", "")
    if configured:
        return configured
    if settings.NOTIFY_SANDBOX:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"borough-sandbox:{template_key}.{channel}"))
    raise NoTemplate(
        f"No GOV.UK Notify template for {template_key} by {channel} "
        f"(BOROUGH_NOTIFY_TEMPLATES {template_key}.{channel})"
    )


def _reason(error: HTTPError) -> str:
    message = error.message
    if isinstance(message, list):
        message = "; ".join(str(item.get("message", item)) for item in message if item)
    return f"GOV.UK Notify answered {error.status_code}: {message}"[:200]


def notify_send(message: Message) -> Sent:
    """Hand one message to Notify: its template, personalisation, and Borough's message id as
    ``reference`` (so receipts find it). Raises ``NotifyRefused`` or ``NotifyUnavailable``."""
    template = template_id(message.template, message.channel)
    personalisation: dict[str, Any] = dict(message.personalisation)
    reference = str(message.pk)
    client = notify_client()
    try:
        if message.channel == MessageChannel.EMAIL:
            answer = client.send_email_notification(
                email_address=message.to,
                template_id=template,
                personalisation=personalisation,
                reference=reference,
                # Alerts' one-click unsubscribe (RFC 8058 headers, set by Notify).
                one_click_unsubscribe_url=personalisation.get("unsubscribe_url") or None,
            )
        elif message.channel == MessageChannel.SMS:
            answer = client.send_sms_notification(
                phone_number=message.to,
                template_id=template,
                personalisation=personalisation,
                reference=reference,
            )
        else:
            answer = client.send_letter_notification(
                template_id=template, personalisation=personalisation, reference=reference
            )
    except HTTPError as error:
        status = error.status_code
        if status == 429 or status >= 500:
            raise NotifyUnavailable(_reason(error), status=status) from error
        raise NotifyRefused(_reason(error), status=status) from error
    except requests.RequestException as error:  # pragma: no cover - the client wraps these
        raise NotifyUnavailable(f"GOV.UK Notify did not answer: {type(error).__name__}") from error
    return Sent(notify_id=str(answer["id"]))
