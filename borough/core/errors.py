"""Error codes and the API error envelope every Borough API answers with.

One shape for every error a JSON API returns, whatever raised it (a domain service, the
framework's own validation, a missing URL)::

    {"error": {"code": "validation_failed", "message": "...", "details": [...]}}

``code`` is stable: clients branch on it, and it never changes meaning. ``message`` is for
people and may be reworded. ``details`` (optional) lists the problems, each with a ``field``
(a dotted path into the request) and a ``message``.
"""

from __future__ import annotations

from enum import StrEnum

from django.http import JsonResponse


class ErrorCode(StrEnum):
    """The stable error codes, with the HTTP status each is sent with."""

    MALFORMED_JSON = "malformed_json"
    BAD_REQUEST = "bad_request"
    INVALID_CURSOR = "invalid_cursor"
    IDEMPOTENCY_KEY_INVALID = "idempotency_key_invalid"
    AUTHENTICATION_FAILED = "authentication_failed"
    SCOPE_MISSING = "scope_missing"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    CONFLICT = "conflict"
    TRANSITION_REFUSED = "transition_refused"
    CASE_CHANGED = "case_changed"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    VALIDATION_FAILED = "validation_failed"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    RATE_LIMITED = "rate_limited"
    SERVER_ERROR = "server_error"

    @property
    def status(self) -> int:
        return STATUS[self]


STATUS: dict[ErrorCode, int] = {
    ErrorCode.MALFORMED_JSON: 400,
    ErrorCode.BAD_REQUEST: 400,
    ErrorCode.INVALID_CURSOR: 400,
    ErrorCode.IDEMPOTENCY_KEY_INVALID: 400,
    ErrorCode.AUTHENTICATION_FAILED: 401,
    ErrorCode.SCOPE_MISSING: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.METHOD_NOT_ALLOWED: 405,
    ErrorCode.CONFLICT: 409,
    ErrorCode.TRANSITION_REFUSED: 409,
    ErrorCode.CASE_CHANGED: 409,
    ErrorCode.PAYLOAD_TOO_LARGE: 413,
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: 415,
    ErrorCode.VALIDATION_FAILED: 422,
    ErrorCode.IDEMPOTENCY_KEY_REUSED: 422,
    ErrorCode.RATE_LIMITED: 429,
    ErrorCode.SERVER_ERROR: 500,
}


class ApiError(Exception):
    """Raise to answer an API call with the error envelope (and write nothing)."""

    def __init__(
        self,
        code: ErrorCode,
        message: str,
        *,
        details: list[dict] | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or []
        self.headers = headers or {}


def error_body(code: ErrorCode, message: str, details: list[dict] | None = None) -> dict:
    """The envelope as data."""
    error: dict = {"code": str(code), "message": message}
    if details:
        error["details"] = details
    return {"error": error}


def error_response(
    code: ErrorCode,
    message: str,
    *,
    details: list[dict] | None = None,
    headers: dict[str, str] | None = None,
) -> JsonResponse:
    """The envelope as a response, with the code's status."""
    response = JsonResponse(error_body(code, message, details), status=code.status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def api_error_response(error: ApiError) -> JsonResponse:
    return error_response(error.code, error.message, details=error.details, headers=error.headers)
