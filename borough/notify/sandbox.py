"""The embedded GOV.UK Notify sandbox: Notify's API, answered inside Borough.

``SandboxAdapter`` is a ``requests`` transport adapter: ``notifications-python-client`` sends
its real requests (JWT bearer token, JSON body) and the adapter answers them here, from
``SandboxNotification`` rows, with no network and no second server. ``sandbox_views`` serves
the same API over HTTP at ``/sandbox/notify/v2/...`` and a page listing what was "sent".

As Notify does (docs.notifications.service.gov.uk, "Testing" and "API keys: test"):

- the JWT must be HS256, signed with the key's secret, ``iss`` the service id, ``iat`` within
  30 seconds (403 ``AuthError`` otherwise);
- the request bodies are checked as Notify checks them (400 ``ValidationError``);
- smoke-test numbers and addresses (07700900000, 07700900111, 07700900222,
  simulate-delivered@notifications.service.gov.uk and -2, -3) get a 201 and nothing else: no
  receipt, nothing kept;
- 07700900003 and temp-fail@simulator.notify end ``temporary-failure``; 07700900002 and
  perm-fail@simulator.notify ``permanent-failure``; anything else ``delivered``. Letters are
  ``accepted`` and then ``received`` (printed and posted); Notify sends no receipt for them.

Delivery receipts are sent, as Notify sends them, to Borough's receiver (``receipt_sink``, set
by ``notify.apps``) with the callbacks' bearer token, once the request's transaction commits.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from typing import Any

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from notifications_python_client.authentication import decode_jwt_token, get_token_issuer
from notifications_python_client.errors import TokenError
from requests.adapters import BaseAdapter

from .models import SandboxNotification

SMOKE_TEST = frozenset(
    {
        "07700900000",
        "07700900111",
        "07700900222",
        "simulate-delivered@notifications.service.gov.uk",
        "simulate-delivered-2@notifications.service.gov.uk",
        "simulate-delivered-3@notifications.service.gov.uk",
    }
)
OUTCOMES = {
    "07700900003": "temporary-failure",
    "temp-fail@simulator.notify": "temporary-failure",
    "07700900002": "permanent-failure",
    "perm-fail@simulator.notify": "permanent-failure",
}
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$", re.I)
_RECIPIENT = {"email": "email_address", "sms": "phone_number"}

# Where receipts and other callbacks go: Borough's receivers, set by notify.apps (each a
# callable taking the raw JSON body and the Authorization header), so the sandbox imports
# nothing of Borough's own.
receipt_sink: list[Callable[[bytes, str], Any]] = []
received_text_sink: list[Callable[[bytes, str], Any]] = []
returned_letter_sink: list[Callable[[bytes, str], Any]] = []


def _error(status: int, error: str, message: str) -> tuple[int, dict]:
    return status, {"status_code": status, "errors": [{"error": error, "message": message}]}


def _authorised(header: str) -> str:
    """The problem with the request's JWT, or "" when it is Notify-valid for our key."""
    if not header.startswith("Bearer ") or len(header) <= len("Bearer "):
        return "Unauthorized: authentication token must be provided"
    token = header[len("Bearer ") :]
    key = settings.NOTIFY_API_KEY
    service_id, secret = key[-73:-37], key[-36:]
    try:
        if get_token_issuer(token) != service_id:
            return "Invalid token: service not found"
        decode_jwt_token(token, secret)
    except TokenError as error:
        return error.message
    return ""


def _validate(kind: str, data: Any) -> str:
    """Notify's checks on a send request: the first problem, or ""."""
    if not isinstance(data, dict):
        return "Request body is not valid JSON"
    if not _UUID.match(str(data.get("template_id", ""))):
        return "template_id is not a valid UUID"
    personalisation = data.get("personalisation", {})
    if not isinstance(personalisation, dict):
        return "personalisation is not of type object"
    reference = data.get("reference", "")
    if not isinstance(reference, str) or len(reference) > 1000:
        return "reference must be a string of at most 1000 characters"
    if kind in _RECIPIENT:
        to = data.get(_RECIPIENT[kind])
        if not isinstance(to, str) or not to.strip():
            return f"{_RECIPIENT[kind]} is a required property"
        if kind == "email" and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", to.strip()):
            return "email_address Not a valid email address"
        if kind == "sms" and not 10 <= len(re.sub(r"\D", "", to)) <= 15:
            return "phone_number Not a valid phone number"
        return ""
    if "address_line_1" not in personalisation:
        return "personalisation address_line_1 is a required property"
    lines = [
        str(personalisation.get(f"address_line_{n}", "")).strip()
        for n in range(1, 8)
        if str(personalisation.get(f"address_line_{n}", "")).strip()
    ]
    if len(lines) < 3:
        return "Address must be at least 3 lines"
    if not _POSTCODE.match(lines[-1]):
        return "Last line of address must be a real UK postcode or another country"
    return ""


def _recipient(kind: str, data: dict) -> str:
    if kind in _RECIPIENT:
        return data[_RECIPIENT[kind]].strip()
    lines = data["personalisation"]
    return ", ".join(
        str(lines[f"address_line_{n}"]) for n in range(1, 8) if lines.get(f"address_line_{n}")
    )


def _as_json(notification: SandboxNotification) -> dict:
    data: dict[str, Any] = {
        "id": str(notification.id),
        "reference": notification.reference or None,
        "type": notification.type,
        "status": notification.status,
        "template": {
            "id": notification.request.get("template_id"),
            "version": 1,
            "uri": f"/v2/template/{notification.request.get('template_id')}/version/1",
        },
        "body": notification.body,
        "subject": notification.subject or None,
        "created_at": _stamp(notification.created_at),
        "sent_at": _stamp(notification.created_at),
        "completed_at": _stamp(notification.completed_at),
    }
    if notification.type == "email":
        data["email_address"] = notification.to
    elif notification.type == "sms":
        data["phone_number"] = notification.to
    else:
        lines = notification.request.get("personalisation", {})
        for n in range(1, 8):
            data[f"line_{n}"] = lines.get(f"address_line_{n}")
    return data


def _stamp(moment) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ") if moment else None


def _send(kind: str, body: bytes) -> tuple[int, dict]:
    try:
        data = json.loads(body or b"null")
    except ValueError:
        data = None
    problem = _validate(kind, data)
    if problem:
        return _error(400, "ValidationError", problem)
    personalisation = data.get("personalisation", {})
    to = _recipient(kind, data)
    text = str(personalisation.get("body", ""))
    subject = str(personalisation.get("subject", ""))
    answer: dict[str, Any] = {
        "reference": data.get("reference") or None,
        "content": {"body": text, "subject": subject}
        if kind != "sms"
        else {"body": text, "from_number": "Borough"},
        "template": {"id": data["template_id"], "version": 1, "uri": ""},
    }
    if kind == "email":
        answer["content"]["from_email"] = "council@notifications.service.gov.uk"
    if kind == "letter":
        answer["scheduled_for"] = None
    if to in SMOKE_TEST:
        return 201, {"id": str(uuid.uuid4()), **answer, "uri": ""}
    now = timezone.now()
    notification = SandboxNotification.objects.create(
        type=kind,
        to=to,
        reference=data.get("reference") or "",
        status="accepted" if kind == "letter" else "sending",
        request=data,
        body=text,
        subject=subject,
        created_at=now,
    )
    if kind != "letter":
        transaction.on_commit(lambda: receipt_send(notification.pk))
    uri = f"{settings.NOTIFY_BASE_URL}/v2/notifications/{notification.pk}"
    return 201, {"id": str(notification.pk), **answer, "uri": uri}


def receipt_send(notification_id) -> None:
    """Finish a sandbox email or text as its recipient says, and send Notify's receipt."""
    notification = SandboxNotification.objects.get(pk=notification_id)
    if notification.status == "sending":
        notification.status = OUTCOMES.get(notification.to, "delivered")
        notification.completed_at = timezone.now()
        notification.save(update_fields=["status", "completed_at"])
    receipt = {
        "id": str(notification.pk),
        "reference": notification.reference or None,
        "to": notification.to,
        "status": notification.status,
        "created_at": _stamp(notification.created_at),
        "completed_at": _stamp(notification.completed_at),
        "sent_at": _stamp(notification.created_at),
        "notification_type": notification.type,
        "template_id": notification.request.get("template_id"),
        "template_version": 1,
    }
    _post(receipt_sink, receipt)


def letter_print(notification: SandboxNotification) -> None:
    """The sandbox's printer: an accepted letter is printed and posted (``received``)."""
    if notification.status == "accepted":
        notification.status = "received"
        notification.completed_at = timezone.now()
        notification.save(update_fields=["status", "completed_at"])


def letter_return(notification: SandboxNotification) -> None:
    """The letter came back to the council: Notify's returned-letter callback."""
    _post(
        returned_letter_sink,
        {
            "notification_id": str(notification.pk),
            "reference": notification.reference or None,
            "date_sent": _stamp(notification.completed_at or notification.created_at),
            "template_id": notification.request.get("template_id"),
            "template_version": 1,
        },
    )


def text_reply(*, from_number: str, message: str) -> None:
    """A resident texts the council's Notify number: Notify's received-text callback."""
    _post(
        received_text_sink,
        {
            "id": str(uuid.uuid4()),
            "source_number": re.sub(r"^0", "44", re.sub(r"\D", "", from_number)),
            "destination_number": "07700900999",
            "message": message,
            "date_received": _stamp(timezone.now()),
        },
    )


def _post(sinks: list[Callable[[bytes, str], Any]], payload: dict) -> None:
    body = json.dumps(payload).encode()
    for sink in sinks:
        sink(body, f"Bearer {settings.NOTIFY_CALLBACK_TOKEN}")


def handle(method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, Any]:
    """Answer one API request as Notify would: (HTTP status, JSON body)."""
    problem = _authorised(headers.get("Authorization", ""))
    if problem:
        return _error(403, "AuthError", problem)
    match = re.fullmatch(r"/v2/notifications/(email|sms|letter)", path)
    if method == "POST" and match:
        return _send(match.group(1), body)
    match = re.fullmatch(r"/v2/notifications/([^/]+)", path)
    if method == "GET" and match:
        if not _UUID.match(match.group(1)):
            return _error(400, "ValidationError", "notification_id is not a valid UUID")
        notification = SandboxNotification.objects.filter(pk=match.group(1)).first()
        if notification is None:
            return _error(404, "NoResultFound", "No result found")
        return 200, _as_json(notification)
    return _error(404, "NotFound", "The requested URL was not found on the server.")


class SandboxAdapter(BaseAdapter):
    """Answers the Notify client's requests from the sandbox, without a network."""

    def send(self, request, **kwargs):  # type: ignore[override]
        url = requests.utils.urlparse(request.url)
        base = requests.utils.urlparse(settings.NOTIFY_BASE_URL)
        path = url.path[len(base.path) :] if url.path.startswith(base.path) else url.path
        body = request.body or b""
        status, data = handle(
            request.method,
            path,
            {"Authorization": request.headers.get("Authorization", "")},
            body.encode() if isinstance(body, str) else body,
        )
        response = requests.Response()
        response.status_code = status
        response._content = json.dumps(data).encode()
        response.headers["Content-Type"] = "application/json"
        response.url = request.url
        response.request = request
        return response

    def close(self) -> None:
        pass
