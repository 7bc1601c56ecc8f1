"""Errors Django answers before the REST API sees the request (an unknown address under
/api/v1/, a method the path does not take) in the API's error envelope, not an HTML page."""

from __future__ import annotations

from borough.core.errors import ErrorCode, error_response

PREFIX = "/api/v1/"


class ApiErrorEnvelopeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(PREFIX) or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        if response.status_code == 404:
            return error_response(ErrorCode.NOT_FOUND, f"There is nothing at {request.path}")
        if response.status_code == 405:
            allowed = response.get("Allow", "")
            return error_response(
                ErrorCode.METHOD_NOT_ALLOWED,
                f"{request.method} is not allowed here; use {allowed}",
                headers={"Allow": allowed},
            )
        if response.status_code == 413:
            return error_response(ErrorCode.PAYLOAD_TOO_LARGE, "The request body is too large")
        if response.status_code == 400:
            return error_response(ErrorCode.BAD_REQUEST, "The request could not be read")
        if response.status_code == 403:
            return error_response(ErrorCode.SCOPE_MISSING, "Forbidden")
        if response.status_code >= 500:
            return error_response(ErrorCode.SERVER_ERROR, "Something went wrong on our side")
        return response
