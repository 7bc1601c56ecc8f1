"""The inbound endpoint: a connector's system sends a status update about a case it was given.

``POST /integrations/inbound/<connector-slug>/`` with ``Authorization: Bearer <token>`` (the
token shown once when the connector was added) and a JSON body::

    {"external_id": "...", "status": "...", "description": "...", "updated_at": "...",
     "update_id": "..."}

Answers JSON: 200 ``{"outcome": "applied" | "unchanged" | "duplicate", "reference": ...}``, or
an error ``{"error": {"code": ..., "message": ...}}`` with 400, 401, 404, 405, 409 or 413, having
written nothing.
"""

from __future__ import annotations

import hmac
import json

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from .inbound import InboundRefused, hash_token, inbound_apply
from .models import Connector

MAX_BODY_BYTES = 64 * 1024
CODES = {
    400: "bad_request",
    401: "unauthorised",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
}


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": CODES[status], "message": message}}, status=status)


@csrf_exempt
def inbound(request, slug: str):
    if request.method != "POST":
        response = _error(405, "Use POST to send an update")
        response["Allow"] = "POST"
        return response
    connector = Connector.objects.filter(slug=slug, is_active=True).first()
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if (
        connector is None
        or scheme.lower() != "bearer"
        or not hmac.compare_digest(hash_token(token.strip()), connector.inbound_token_hash)
    ):
        # The same answer for an unknown connector and a wrong token.
        return _error(401, "Send the connector's token as Authorization: Bearer <token>")
    raw = request.read(MAX_BODY_BYTES + 1)
    if len(raw) > MAX_BODY_BYTES:
        return _error(413, "The body must be 64 KB or less")
    try:
        body = json.loads(raw or b"")
    except ValueError:
        return _error(400, "The body must be JSON")
    if not isinstance(body, dict):
        return _error(400, "The body must be a JSON object")
    fields = {}
    for name in ("external_id", "status", "description", "updated_at", "update_id"):
        value = body.get(name, "")
        if value is None:
            value = ""
        if not isinstance(value, str | int):
            return _error(400, f"{name} must be a string")
        fields[name] = str(value)
    try:
        applied = inbound_apply(connector=connector, **fields)
    except InboundRefused as refused:
        return _error(refused.status, str(refused))
    return JsonResponse(
        {"outcome": applied.outcome, "reference": applied.reference, "event": applied.event_id}
    )
