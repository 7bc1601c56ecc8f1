"""Security events: refused and failed access, written so an operator can read and alert on it.

Each event is one JSON line on the ``borough.security`` logger (level WARNING: the part to alert
on) and a ``SecurityEvent`` row (the part to read, in the admin). Kinds: 403s (permission
denied, CSRF failure), refused API keys (401/403 under the APIs), 429s (Borough's limits, API
clients' rates), allauth's sign-in rate limits and django-axes lockouts.

No personal data: the client's address only hashed (``ratelimit.address_digest``), the user
only by id, the page only by its URL pattern. A flood of refusals writes every log line but at
most one row per kind and client a minute (``stored`` says which lines made a row), so refusals
cannot be used to fill the database.
"""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import DatabaseError

from .models import SecurityEvent
from .ratelimit import address_digest

log = logging.getLogger("borough.security")

Kind = SecurityEvent.Kind

# At most one row per kind and client in this many seconds (every event is still logged).
ROW_EVERY_SECONDS = 60

# Paths where a 401 or 403 means an API key (or inbound token) was refused.
KEY_PATH_PREFIXES = ("/api/", "/open311/", "/integrations/")


def _route(request) -> str:
    match = getattr(request, "resolver_match", None)
    return "/" + match.route if match is not None and match.route else ""


def _user_id(request) -> int | None:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user.pk
    return None


def security_event_record(
    request, kind: str, *, status: int | None = None, detail: str = "", user_id: int | None = None
) -> None:
    """Write one security event about ``request`` (at most once per request)."""
    if getattr(request, "security_event_recorded", False):
        return
    request.security_event_recorded = True
    address = address_digest(request)
    event = SecurityEvent(
        kind=kind,
        status=status,
        method=request.method or "",
        route=_route(request),
        address_hash=address,
        user_id=user_id if user_id is not None else _user_id(request),
        detail=detail[:100],
        request_id=getattr(request, "request_id", ""),
    )
    stored = cache.add(f"security-event:{kind}:{address}", 1, timeout=ROW_EVERY_SECONDS)
    if stored:
        try:
            event.save()
        except DatabaseError:  # the log line below still carries the event
            stored = False
    fields = {
        "event": kind,
        "status": event.status,
        "method": event.method,
        "route": event.route,
        "address_hash": address,
        "user_id": event.user_id,
        "detail": event.detail,
        "request_id": event.request_id,
    }
    log.warning("security event", extra={**fields, "stored": stored})


def security_event_mark(request, kind: str) -> None:
    """Say what a refusal was, for ``SecurityEventMiddleware`` to record with its response
    (a CSRF failure and allauth's 429 page are plain 403 and 429 responses otherwise)."""
    request.security_event_kind = kind


def _kind_for(request, status: int) -> str | None:
    marked = getattr(request, "security_event_kind", None)
    if marked:
        return marked
    if getattr(request, "axes_locked_out", False):  # set by django-axes on a locked request
        return Kind.LOCKOUT
    if status in (401, 403) and request.path_info.startswith(KEY_PATH_PREFIXES):
        return Kind.API_KEY_REFUSED
    if status == 403:
        return Kind.PERMISSION_DENIED
    if status == 429:
        return Kind.RATE_LIMITED
    return None


class SecurityEventMiddleware:
    """Records every refused response (401 under the APIs, 403, 429) as a security event."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        kind = _kind_for(request, response.status_code)
        if kind is not None:
            client_id = getattr(getattr(request, "auth", None), "pk", None)
            detail = f"api-client:{client_id}" if client_id else ""
            security_event_record(request, kind, status=response.status_code, detail=detail)
        return response


def axes_locked_out(sender, request=None, **kwargs) -> None:
    """django-axes locked an account out (signal ``axes.signals.user_locked_out``)."""
    if request is not None:
        security_event_record(request, Kind.LOCKOUT, status=429)
