"""Who is calling: the API client's key, its scopes and its rate, checked before anything else.

Runs before django-ninja reads the body, so it also refuses bodies that are too large, not
JSON or not well-formed: nothing is parsed or written for them.
"""

from __future__ import annotations

import json

from ninja.security import HttpBearer

from borough.clients.auth import bearer_key, client_rate_wait
from borough.clients.models import ApiClient
from borough.clients.services import AuthenticationFailed, ScopeMissing, api_client_authenticate
from borough.core.errors import ApiError, ErrorCode
from borough.core.text import (
    CONTROL_CHARACTER_MESSAGE,
    control_character_problem,
    has_control_characters,
)

MAX_BODY_BYTES = 1024 * 1024
_BODY_METHODS = {"POST", "PUT", "PATCH"}


def _refuse_control_characters(where: str) -> None:
    raise ApiError(
        ErrorCode.BAD_REQUEST,
        f"The request has control characters in {where}: see details",
        details=[{"field": where, "message": f"The value {CONTROL_CHARACTER_MESSAGE}"}],
    )


def _check_body(request) -> None:
    if has_control_characters(request.path):
        _refuse_control_characters("path")
    in_query = control_character_problem(dict(request.GET.lists()))
    if in_query is not None:
        _refuse_control_characters(in_query.split("[")[0])
    if request.method not in _BODY_METHODS:
        return
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise ApiError(ErrorCode.BAD_REQUEST, "Content-Length is not a number") from None
    if declared > MAX_BODY_BYTES:
        raise ApiError(
            ErrorCode.PAYLOAD_TOO_LARGE,
            f"The request body is {declared:,} bytes: the most accepted is {MAX_BODY_BYTES:,}",
        )
    if not declared:
        return
    if (request.content_type or "").lower() != "application/json":
        raise ApiError(
            ErrorCode.UNSUPPORTED_MEDIA_TYPE,
            "Send the body as JSON, with Content-Type: application/json",
        )
    try:
        document = json.loads(request.body)
    except (ValueError, UnicodeDecodeError) as problem:
        raise ApiError(
            ErrorCode.MALFORMED_JSON, f"The request body is not well-formed JSON: {problem}"
        ) from None
    if not isinstance(document, dict):
        raise ApiError(
            ErrorCode.VALIDATION_FAILED,
            "The request has problems: see details",
            details=[{"field": "body", "message": "The body must be a JSON object"}],
        )
    in_body = control_character_problem(document)
    if in_body is not None:
        _refuse_control_characters(in_body)


class ApiKey(HttpBearer):
    """``Authorization: Bearer <key>`` of an active API client; ``scope`` (if given) must be
    one of the client's. The client's own rate limit applies to every call."""

    def __init__(self, scope: str | None = None):
        super().__init__()
        self.scope = scope

    def __call__(self, request) -> ApiClient:
        _check_body(request)
        raw_key = bearer_key(request)
        if not raw_key:
            raise ApiError(
                ErrorCode.AUTHENTICATION_FAILED,
                "Send your API key in the Authorization header: Bearer <key>",
                headers={"WWW-Authenticate": "Bearer"},
            )
        return self.authenticate(request, raw_key)

    def authenticate(self, request, token: str) -> ApiClient:
        try:
            client = api_client_authenticate(token, self.scope)
        except ScopeMissing:
            raise ApiError(
                ErrorCode.SCOPE_MISSING,
                f"This API key does not allow this: it needs the {self.scope} scope",
            ) from None
        except AuthenticationFailed as refusal:
            message = str(refusal).replace("api_key", "The API key", 1)
            raise ApiError(
                ErrorCode.AUTHENTICATION_FAILED, message, headers={"WWW-Authenticate": "Bearer"}
            ) from None
        wait = client_rate_wait(request, client)
        if wait:
            raise ApiError(
                ErrorCode.RATE_LIMITED,
                f"Too many requests: try again in {wait} seconds",
                headers={"Retry-After": str(wait)},
            )
        return client


def client_of(request) -> ApiClient:
    """The client the call was authenticated as."""
    return request.auth
