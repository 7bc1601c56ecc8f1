"""The embedded GOV.UK Pay sandbox: the same API as Pay, answered inside Borough.

``SandboxAdapter`` is a ``requests`` transport adapter: the client sends real HTTP requests
(method, URL, headers, JSON body) and the adapter answers them here, from
``SandboxPayment`` rows, without a network hop, so ``make run`` and the tests need no second
server. ``sandbox_views`` serves the same API over HTTP at ``/sandbox/pay/v1/...`` and the
card pages a resident pays on. Only the test card numbers GOV.UK Pay documents are taken:

- 4444333322221111: success
- 4000000000000002: declined (failed, P0010)
- 4000000000000069: expired card (failed, P0010)
- 4000000000000119: processing error (error, P0050)

When a payment finishes the sandbox sends Pay's webhook (``card_payment_succeeded`` and so
on), signed with ``GOVUK_PAY_WEBHOOK_SECRET`` as Pay signs it (HMAC-SHA256 of the raw body,
hex, in ``Pay-Signature``), to Borough's webhook receiver.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import string
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from requests.adapters import BaseAdapter

from borough.catalogue.fees import PAY_MAXIMUM_PENCE

from .models import SandboxAgreement, SandboxPayment

SUCCESS_CARD = "4444333322221111"
CARD_OUTCOMES = {
    SUCCESS_CARD: ("success", ""),
    "4000000000000002": ("failed", "P0010"),
    "4000000000000069": ("failed", "P0010"),
    "4000000000000119": ("error", "P0050"),
}
MESSAGES = {
    "P0010": "Payment method rejected",
    "P0020": "Payment expired",
    "P0030": "Payment was cancelled by the user",
    "P0040": "Payment was cancelled by the service",
    "P0050": "Payment provider returned an error",
}
EVENT_TYPES = {
    "success": "card_payment_succeeded",
    "failed": "card_payment_failed",
    "error": "card_payment_failed",
    "cancelled": "card_payment_cancelled",
}
_ALPHABET = string.ascii_lowercase + string.digits
_REQUIRED = ("amount", "description", "reference")
LARGEST_PAGE = 500

# Where the sandbox's webhooks go: Borough's receiver, set by payments.apps (a callable taking
# the raw body and the signature), so the sandbox imports nothing above it.
webhook_sink: list[Callable[[bytes, str], Any]] = []


class SandboxRefused(Exception):
    def __init__(self, status: int, code: str, description: str):
        super().__init__(description)
        self.status, self.code, self.description = status, code, description


def handle(method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, Any]:
    """Answer one API request as GOV.UK Pay would: (HTTP status, JSON body or None)."""
    if not headers.get("Authorization", "").startswith("Bearer ") or len(
        headers.get("Authorization", "")
    ) <= len("Bearer "):
        return 401, {"code": "P0920", "description": "Credentials are required"}
    try:
        return _route(method, path, headers, body)
    except SandboxRefused as refused:
        return refused.status, {"code": refused.code, "description": refused.description}


def _route(method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, Any]:
    path, _, query = path.partition("?")
    parts = [p for p in path.split("/") if p]
    if parts[:2] == ["v1", "agreements"]:
        return _agreements(method, parts[2:], body)
    if parts[:2] != ["v1", "payments"]:
        raise SandboxRefused(404, "P0200", "Not found")
    if len(parts) == 2 and method == "POST":
        return _create(_json(body), headers.get("Idempotency-Key", ""))
    if len(parts) == 2 and method == "GET":
        return 200, search(dict(parse_qsl(query)))
    payment = _payment(parts[2] if len(parts) > 2 else "")
    rest = parts[3:]
    if method == "GET" and not rest:
        return 200, payment_json(payment)
    if method == "GET" and rest == ["events"]:
        return 200, {"payment_id": payment.payment_id, "events": payment.events}
    if method == "POST" and rest == ["cancel"]:
        if payment.state not in {"created", "started", "submitted", "capturable"}:
            raise SandboxRefused(400, "P0501", "Cancellation of payment failed")
        finish(payment, "cancelled", "P0040")
        return 204, None
    if method == "POST" and rest == ["refunds"]:
        return _refund(payment, _json(body))
    if method == "GET" and len(rest) == 2 and rest[0] == "refunds":
        found = next((r for r in payment.refunds if r["refund_id"] == rest[1]), None)
        if found is None:
            raise SandboxRefused(404, "P0700", "Not found")
        return 200, found
    raise SandboxRefused(404, "P0200", "Not found")


def _json(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body or b"{}")
    except ValueError as bad:
        raise SandboxRefused(400, "P0197", "Unable to parse JSON") from bad
    if not isinstance(data, dict):
        raise SandboxRefused(400, "P0197", "Unable to parse JSON")
    return data


def _create(data: dict[str, Any], idempotency_key: str) -> tuple[int, Any]:
    if idempotency_key:
        earlier = SandboxPayment.objects.filter(idempotency_key=idempotency_key).first()
        if earlier is not None:
            if earlier.request != data:
                raise SandboxRefused(
                    422, "P0102", "The Idempotency-Key was used with a different request"
                )
            return 200, payment_json(earlier)
    for name in _REQUIRED:
        if name not in data:
            raise SandboxRefused(400, "P0101", f"Missing mandatory attribute: {name}")
    amount = data["amount"]
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise SandboxRefused(422, "P0102", "Invalid attribute value: amount. Must be an integer")
    if not 0 <= amount <= PAY_MAXIMUM_PENCE:
        raise SandboxRefused(
            422, "P0102", "Invalid attribute value: amount. Must be between 0 and 10000000"
        )
    for name, longest in (("description", 255), ("reference", 255), ("return_url", 2000)):
        if name in data and (not isinstance(data[name], str) or len(data[name]) > longest):
            raise SandboxRefused(422, "P0102", f"Invalid attribute value: {name}")
    agreement = _agreement_for_payment(data)
    if agreement is None and "return_url" not in data:
        raise SandboxRefused(400, "P0101", "Missing mandatory attribute: return_url")
    if agreement is None and not re.match(r"^https?://", str(data.get("return_url", ""))):
        raise SandboxRefused(422, "P0102", "Invalid attribute value: return_url. Must be a URL")
    if "moto" in data and not isinstance(data["moto"], bool):
        raise SandboxRefused(422, "P0102", "Invalid attribute value: moto")
    if data.get("language", "en") not in {"en", "cy"}:
        raise SandboxRefused(422, "P0102", "Invalid attribute value: language")
    metadata = data.get("metadata") or {}
    if not isinstance(metadata, dict) or len(metadata) > 10:
        raise SandboxRefused(422, "P0102", "Invalid attribute value: metadata")
    payment = SandboxPayment.objects.create(
        payment_id="".join(secrets.choice(_ALPHABET) for _ in range(26)),
        idempotency_key=idempotency_key,
        request=data,
    )
    _event(payment, "created")
    payment.save(update_fields=["events"])
    if agreement is not None:  # Pay takes it from the agreement's card, with no page
        payment.card_last4 = agreement.card_last4
        finish(payment, "success")
    return 201, payment_json(payment)


def _agreement_for_payment(data: dict[str, Any]) -> SandboxAgreement | None:
    """The active agreement a renewal is taken from (``authorisation_mode: agreement``), or
    None for a payment on Pay's page; a ``set_up_agreement`` must name a new agreement."""
    mode = data.get("authorisation_mode", "web")
    if mode not in {"web", "agreement", "moto_api"}:
        raise SandboxRefused(422, "P0102", "Invalid attribute value: authorisation_mode")
    if mode == "moto_api":
        raise SandboxRefused(422, "P0102", "The sandbox takes MOTO payments on its card page")
    if "set_up_agreement" in data:
        found = SandboxAgreement.objects.filter(agreement_id=data["set_up_agreement"]).first()
        if found is None or found.status != "created" or mode == "agreement":
            raise SandboxRefused(422, "P0102", "Invalid attribute value: set_up_agreement")
        if data.get("moto"):
            raise SandboxRefused(422, "P0102", "A MOTO payment cannot set up an agreement")
    if mode != "agreement":
        if "agreement_id" in data:
            raise SandboxRefused(
                422, "P0102", "agreement_id needs authorisation_mode to be agreement"
            )
        return None
    if "return_url" in data:
        raise SandboxRefused(422, "P0104", "return_url must not be sent with agreement mode")
    found = SandboxAgreement.objects.filter(agreement_id=data.get("agreement_id", "")).first()
    if found is None or found.status != "active":
        raise SandboxRefused(400, "P0103", "The agreement is not active")
    return found


def _agreements(method: str, rest: list[str], body: bytes) -> tuple[int, Any]:
    if method == "POST" and not rest:
        data = _json(body)
        for name in ("reference", "description", "user_identifier"):
            if not isinstance(data.get(name), str) or not 1 <= len(data[name]) <= 255:
                raise SandboxRefused(422, "P0102", f"Invalid attribute value: {name}")
        made = SandboxAgreement.objects.create(
            agreement_id="".join(secrets.choice(_ALPHABET) for _ in range(26)), request=data
        )
        return 201, agreement_json(made)
    found = SandboxAgreement.objects.filter(agreement_id=rest[0] if rest else "").first()
    if found is None:
        raise SandboxRefused(404, "P2500", "Not found")
    if method == "GET" and len(rest) == 1:
        return 200, agreement_json(found)
    if method == "POST" and rest[1:] == ["cancel"]:
        if found.status not in {"created", "active"}:
            raise SandboxRefused(400, "P2501", "Cancellation of agreement failed")
        found.status, found.cancelled_at = "cancelled", timezone.now()
        found.save(update_fields=["status", "cancelled_at"])
        return 204, None
    raise SandboxRefused(404, "P2500", "Not found")


def agreement_json(agreement: SandboxAgreement) -> dict[str, Any]:
    data: dict[str, Any] = {
        "agreement_id": agreement.agreement_id,
        "reference": agreement.request.get("reference", ""),
        "description": agreement.request.get("description", ""),
        "user_identifier": agreement.request.get("user_identifier", ""),
        "status": agreement.status,
        "created_date": _stamp(agreement.created_at),
    }
    if agreement.card_last4:
        data["payment_instrument"] = {
            "type": "card",
            "card_details": {"last_digits_card_number": agreement.card_last4},
        }
    if agreement.cancelled_at:
        data["cancelled_date"] = _stamp(agreement.cancelled_at)
    return data


def search(query: dict[str, str]) -> dict[str, Any]:
    """Pay's payment search: by created date (``from_date`` inclusive, ``to_date``
    exclusive), ``reference`` and ``state``, newest first, ``display_size`` a page."""
    found = SandboxPayment.objects.order_by("-created_at", "-id")
    try:
        if query.get("from_date"):
            found = found.filter(created_at__gte=_parse(query["from_date"]))
        if query.get("to_date"):
            found = found.filter(created_at__lt=_parse(query["to_date"]))
        page = int(query.get("page", "1"))
        size = int(query.get("display_size", str(LARGEST_PAGE)))
    except ValueError as bad:
        raise SandboxRefused(422, "P0401", "Invalid parameters: from_date, to_date") from bad
    if page < 1 or not 1 <= size <= LARGEST_PAGE:
        raise SandboxRefused(422, "P0401", "Invalid parameters: page, display_size")
    if query.get("reference"):
        found = found.filter(request__reference__iexact=query["reference"])
    if query.get("state"):
        found = found.filter(state=query["state"])
    total = found.count()
    results = [payment_json(p) for p in found[(page - 1) * size : page * size]]
    base = f"{settings.GOVUK_PAY_BASE_URL}/v1/payments?"
    links: dict[str, Any] = {"self": {"href": base + urlencode({**query, "page": page})}}
    if page * size < total:
        links["next_page"] = {"href": base + urlencode({**query, "page": page + 1})}
    return {
        "total": total,
        "count": len(results),
        "page": page,
        "results": results,
        "_links": links,
    }


def _parse(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError("a date without a time zone")
    return parsed


def _stamp(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _payment(payment_id: str) -> SandboxPayment:
    found = SandboxPayment.objects.filter(payment_id=payment_id).first()
    if found is None:
        raise SandboxRefused(404, "P0200", "Not found")
    return found


def _refund(payment: SandboxPayment, data: dict[str, Any]) -> tuple[int, Any]:
    amount = data.get("amount")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 1:
        raise SandboxRefused(400, "P0602", "Invalid attribute value: amount")
    available = _refund_available(payment)
    if payment.state != "success":
        raise SandboxRefused(412, "P0603", "The payment is not available for refund")
    if "refund_amount_available" in data and data["refund_amount_available"] != available:
        raise SandboxRefused(
            412, "P0604", "Refund amount available mismatch: the payment has changed"
        )
    if amount > available:
        raise SandboxRefused(412, "P0603", "The payment is not available for refund")
    refund = {
        "refund_id": "".join(secrets.choice(_ALPHABET) for _ in range(26)),
        "amount": amount,
        "status": "success",
        "created_date": _now(),
    }
    payment.refunds = [*payment.refunds, refund]
    payment.save(update_fields=["refunds"])
    return 202, refund


def _refund_available(payment: SandboxPayment) -> int:
    if payment.state != "success":
        return 0
    return int(payment.request["amount"]) - sum(r["amount"] for r in payment.refunds)


def _now() -> str:
    return timezone.now().strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _event(payment: SandboxPayment, status: str) -> None:
    payment.events = [
        *payment.events,
        {"state": {"status": status, "finished": status in EVENT_TYPES}, "updated": _now()},
    ]


def payment_json(payment: SandboxPayment) -> dict[str, Any]:
    """The payment as Pay's API returns it."""
    request = payment.request
    finished = payment.state in EVENT_TYPES
    state: dict[str, Any] = {"status": payment.state, "finished": finished}
    if payment.failure_code:
        state["code"] = payment.failure_code
        state["message"] = MESSAGES.get(payment.failure_code, "")
    available = _refund_available(payment)
    base = f"{settings.GOVUK_PAY_BASE_URL}/v1/payments/{payment.payment_id}"
    links: dict[str, Any] = {"self": {"href": base, "method": "GET"}}
    if not finished:
        links["next_url"] = {
            "href": f"{settings.SITE_URL}/sandbox/pay/card/{payment.payment_id}/",
            "method": "GET",
        }
    data: dict[str, Any] = {
        "payment_id": payment.payment_id,
        "amount": request["amount"],
        "description": request["description"],
        "reference": request["reference"],
        "language": request.get("language", "en"),
        "created_date": _stamp(payment.created_at),
        "payment_provider": "sandbox",
        "delayed_capture": False,
        "moto": bool(request.get("moto", False)),
        "authorisation_mode": request.get("authorisation_mode", "web"),
        "state": state,
        "refund_summary": {
            "status": "available" if available else ("full" if payment.refunds else "unavailable"),
            "amount_available": available,
            "amount_submitted": sum(r["amount"] for r in payment.refunds),
        },
        "_links": links,
    }
    if request.get("return_url"):
        data["return_url"] = request["return_url"]
    if request.get("agreement_id") or request.get("set_up_agreement"):
        data["agreement_id"] = request.get("agreement_id") or request["set_up_agreement"]
    if request.get("email"):
        data["email"] = request["email"]
    if request.get("metadata"):
        data["metadata"] = request["metadata"]
    if payment.card_last4:
        data["card_details"] = {"last_digits_card_number": payment.card_last4}
    return data


def start(payment: SandboxPayment) -> None:
    """The resident opened the card page: created becomes started."""
    if payment.state == "created":
        payment.state = "started"
        _event(payment, "started")
        payment.save(update_fields=["state", "events"])


def pay_with_card(payment: SandboxPayment, card_number: str) -> bool:
    """Take a test card. False for a number that is not one of Pay's test cards."""
    outcome = CARD_OUTCOMES.get(re.sub(r"[\s-]", "", card_number))
    if outcome is None:
        return False
    payment.card_last4 = card_number.strip()[-4:]
    finish(payment, *outcome)
    return True


def finish(payment: SandboxPayment, status: str, code: str = "") -> None:
    """End the payment in ``status`` and send Pay's webhook for it (after commit)."""
    if payment.state in EVENT_TYPES:
        return
    payment.state, payment.failure_code = status, code
    _event(payment, status)
    payment.save(update_fields=["state", "failure_code", "events", "card_last4"])
    if status == "success" and payment.request.get("set_up_agreement"):
        SandboxAgreement.objects.filter(
            agreement_id=payment.request["set_up_agreement"], status="created"
        ).update(status="active", card_last4=payment.card_last4)
    body = webhook_body(payment)
    transaction.on_commit(lambda: send_webhook(body))


def webhook_body(payment: SandboxPayment) -> bytes:
    """Pay's webhook message for the payment's finished state."""
    return webhook_body_for(payment, EVENT_TYPES[payment.state])


def webhook_body_for(payment: SandboxPayment, event_type: str) -> bytes:
    return json.dumps(
        {
            "webhook_message_id": "".join(secrets.choice(_ALPHABET) for _ in range(26)),
            "created_date": _now(),
            "resource_id": payment.payment_id,
            "api_version": 1,
            "resource_type": "payment",
            "event_type": event_type,
            "resource": payment_json(payment),
        }
    ).encode()


def sign(body: bytes, secret: str) -> str:
    """Pay's ``Pay-Signature``: HMAC-SHA256 of the raw body with the signing secret, in hex."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def send_webhook(body: bytes) -> None:
    if not getattr(settings, "GOVUK_PAY_SANDBOX_WEBHOOKS", True):
        return
    for sink in webhook_sink:
        sink(body, sign(body, settings.GOVUK_PAY_WEBHOOK_SECRET))


class SandboxAdapter(BaseAdapter):
    """A ``requests`` adapter that answers the client's HTTP requests from the sandbox."""

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        path = request.path_url.removeprefix(_base_path())
        body = request.body or b""
        status, data = handle(
            request.method or "GET",
            path,
            dict(request.headers),
            body.encode() if isinstance(body, str) else body,
        )
        response = requests.Response()
        response.status_code = status
        response.reason = "sandbox"
        response.url = request.url or ""
        response.request = request
        response.headers["Content-Type"] = "application/json"
        response._content = b"" if data is None else json.dumps(data).encode()
        return response

    def close(self) -> None:
        pass


def _base_path() -> str:
    """The path part of the sandbox's base URL (``/sandbox/pay``)."""
    return "/" + settings.GOVUK_PAY_BASE_URL.split("://", 1)[-1].partition("/")[2]
