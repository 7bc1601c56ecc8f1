"""Reading an Open311 call: its body, its key and the client's rate, the service and the
window of time asked for. Each problem is a ``Refusal``, which ``views.open311_view`` answers
with the specification's error document (and which writes nothing).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from borough.catalogue.selectors import service_get
from borough.clients.auth import client_rate_wait
from borough.clients.models import ApiClient, Scope
from borough.clients.services import AuthenticationFailed, api_client_authenticate

from . import mapping
from .formats import BadInput, parse_body, parse_moment

MAX_BODY_BYTES = 1024 * 1024
DEFAULT_WINDOW = dt.timedelta(days=90)


class Refusal(Exception):
    """The call is refused with ``status`` and the ``descriptions`` of what is wrong."""

    def __init__(self, status: int, *descriptions: str, headers: dict | None = None):
        self.status = status
        self.descriptions = descriptions
        self.headers = headers or {}


def read_post(request) -> dict:
    """The POST's fields, refusing a body over 1 MB (413) or one that cannot be read (400)."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise Refusal(400, "Content-Length is not a number") from None
    if declared > MAX_BODY_BYTES:
        raise Refusal(413, "The request body is larger than 1 MB")
    raw = request.read(MAX_BODY_BYTES + 1)
    if len(raw) > MAX_BODY_BYTES:
        raise Refusal(413, "The request body is larger than 1 MB")
    try:
        fields = parse_body(request.content_type or "", raw)
    except BadInput as problem:
        raise Refusal(400, str(problem)) from None
    jurisdiction = fields.get("jurisdiction_id", "").strip()
    if jurisdiction and jurisdiction != settings.OPEN311_JURISDICTION:
        raise Refusal(404, f"jurisdiction_id {jurisdiction} was not found")
    return fields


def client_for(raw_key: str | None, scope: str | None) -> ApiClient:
    """The active client owning ``raw_key`` if it holds ``scope``; else refused (403)."""
    try:
        return api_client_authenticate(raw_key, scope)
    except AuthenticationFailed as refusal:
        raise Refusal(403, str(refusal)) from None


def client_rate(request, client: ApiClient) -> None:
    """Count one call by ``client`` at its own rate; refused (429) when it must wait."""
    wait = client_rate_wait(request, client)
    if wait:
        raise Refusal(
            429,
            f"Too many requests: try again in {wait} seconds",
            headers={"Retry-After": str(wait)},
        )


def offered_service(code: str):
    """The online service with this code, if Open311 offers it; else refused (404)."""
    service = service_get(code)
    if service is None or not mapping.is_offered(service.form):
        raise Refusal(404, f"service_code {code} was not found")
    return service


def window(params) -> tuple[dt.datetime, dt.datetime]:
    """``start_date`` to ``end_date``; a missing end is 90 days on (or now), a missing start
    90 days before the end."""
    try:
        start = parse_moment("start_date", params.get("start_date", ""))
        end = parse_moment("end_date", params.get("end_date", ""))
    except BadInput as problem:
        raise Refusal(400, str(problem)) from None
    now = timezone.now()
    if start and end and start > end:
        raise Refusal(400, "start_date must be before end_date")
    end = end or (start + DEFAULT_WINDOW if start else now)
    start = start or end - DEFAULT_WINDOW
    return start, end


def read_access(request) -> bool:
    """Whether the caller may see addresses, text and private services in full: a key with
    cases.read. A key that is given must be right."""
    raw_key = request.GET.get("api_key", "").strip()
    if not raw_key:
        return False
    client_for(raw_key, Scope.CASES_READ)
    return True


def reading_client(request) -> ApiClient | None:
    """The client whose key is given, whatever its scopes (systems that send updates read the
    updates feed with their open311.post key); ``None`` without a key. A key given must work."""
    raw_key = request.GET.get("api_key", "").strip()
    return client_for(raw_key, None) if raw_key else None
