"""The REST API v1: one ``NinjaAPI``, every resource's router added in ``ROUTERS``, and every
error (ours, django-ninja's own validation, a missing page) in the core error envelope."""

from __future__ import annotations

import logging

from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from borough.core.errors import ApiError, ErrorCode, api_error_response, error_response

from . import cases, contacts, people, process_messages, services, uploads

log = logging.getLogger(__name__)

DESCRIPTION = """Borough's REST API for back-office systems and suppliers.

Authenticate with an API client's key (`Authorization: Bearer <key>`); each operation needs
the scope it names. Every error has the same envelope with a stable `code`. Send an
`Idempotency-Key` with every POST. See docs/how-to/api.md."""

# (router, tags): add a resource's router here and nowhere else.
ROUTERS = [
    services.router,
    cases.router,
    uploads.router,
    people.router,
    contacts.router,
    process_messages.router,
]


class BoroughApi(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        # Short, stable ids for client generators: the view's own name (case_list, case_status).
        return operation.view_func.__name__


api = BoroughApi(
    title="Borough API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    docs_url=None,  # the interactive docs page runs inline scripts the CSP forbids
    openapi_url="/openapi.json",
)
for router in ROUTERS:
    api.add_router("", router)


def _field(location: list) -> str:
    # ninja prefixes the source ("body", "query", "path") and the argument's name.
    parts = [str(p) for p in location]
    if parts and parts[0] in {"body", "query", "path", "header"}:
        parts = parts[1:]
        if parts and parts[0] in {"payload", "filters", "search"}:
            parts = parts[1:]
    return ".".join(parts) or "body"


@api.exception_handler(ApiError)
def _api_error(request, error: ApiError):
    return api_error_response(error)


@api.exception_handler(ValidationError)
def _validation_error(request, error: ValidationError):
    details = [
        {"field": _field(list(e.get("loc", []))), "message": str(e.get("msg", "is not valid"))}
        for e in error.errors
    ]
    return error_response(
        ErrorCode.VALIDATION_FAILED, "The request has problems: see details", details=details
    )


@api.exception_handler(AuthenticationError)
def _authentication_error(request, error):
    return error_response(
        ErrorCode.AUTHENTICATION_FAILED,
        "Send your API key in the Authorization header: Bearer <key>",
        headers={"WWW-Authenticate": "Bearer"},
    )


@api.exception_handler(HttpError)
def _http_error(request, error: HttpError):
    if error.status_code == 400 and "parse request body" in str(error):
        return error_response(ErrorCode.MALFORMED_JSON, "The request body is not well-formed JSON")
    code = next((c for c in ErrorCode if c.status == error.status_code), ErrorCode.BAD_REQUEST)
    return error_response(code, str(error))


@api.exception_handler(Http404)
def _not_found(request, error):
    return error_response(ErrorCode.NOT_FOUND, "Not found")


@api.exception_handler(RequestDataTooBig)
def _too_big(request, error):
    return error_response(ErrorCode.PAYLOAD_TOO_LARGE, "The request body is too large")


@api.exception_handler(Exception)
def _server_error(request, error):
    log.exception("api server error", exc_info=error)
    return error_response(
        ErrorCode.SERVER_ERROR,
        "Something went wrong on our side: nothing was saved. Try again later",
    )
