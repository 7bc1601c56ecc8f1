"""``Idempotency-Key`` on every POST: a retry with the same key and body gets the stored
response and writes nothing; the same key with another request is refused.

The write and the stored response are saved in one transaction, so two concurrent requests
with one key make one write: the second waits for the first, finds the key taken, rolls its
own write back and replays the first's response. Only successful responses are kept: a
refused request wrote nothing, so sending it again is safe.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import wraps

from django.db import IntegrityError, transaction
from django.http import JsonResponse
from pydantic import BaseModel

from borough.clients.services import idempotent_response_get, idempotent_response_save
from borough.core.errors import ApiError, ErrorCode

HEADER = "Idempotency-Key"
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
REPLAYED_HEADER = "Idempotent-Replayed"


def _fingerprint(request) -> str:
    try:
        body = json.dumps(json.loads(request.body or b"null"), sort_keys=True)
    except ValueError:
        body = request.body.decode("utf-8", "replace")
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _replay(stored, fingerprint: str) -> JsonResponse:
    if stored.fingerprint != fingerprint:
        raise ApiError(
            ErrorCode.IDEMPOTENCY_KEY_REUSED,
            "This Idempotency-Key was used for a different request in the last 24 hours: "
            "send a new key for a new request",
        )
    response = JsonResponse(stored.body, status=stored.status, safe=False)
    response[REPLAYED_HEADER] = "true"
    return response


def _as_json(data):
    if isinstance(data, BaseModel):
        return data.model_dump(mode="json", by_alias=True)
    return data


def idempotent(view):
    """Wrap a POST operation that returns ``(status, schema)``."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            status, data = view(request, *args, **kwargs)
            return JsonResponse(_as_json(data), status=status, safe=False)
        if not _KEY.match(key):
            raise ApiError(
                ErrorCode.IDEMPOTENCY_KEY_INVALID,
                f"{HEADER} must be 1 to 255 visible ASCII characters (a UUID is a good choice)",
            )
        client = request.auth
        fingerprint = _fingerprint(request)
        stored = idempotent_response_get(client=client, key=key)
        if stored is not None:
            return _replay(stored, fingerprint)
        try:
            with transaction.atomic():
                status, data = view(request, *args, **kwargs)
                body = _as_json(data)
                idempotent_response_save(
                    client=client, key=key, fingerprint=fingerprint, status=status, body=body
                )
        except IntegrityError:
            # Another request with this key committed first; ours was rolled back.
            stored = idempotent_response_get(client=client, key=key)
            if stored is None:
                raise
            return _replay(stored, fingerprint)
        return JsonResponse(body, status=status, safe=False)

    return wrapper
