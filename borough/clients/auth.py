"""How every Borough API finds its client: the key (from the ``Authorization: Bearer`` header
or Open311's ``api_key`` field) and the client's own rate limit. Shared by Open311 and REST."""

from __future__ import annotations

from borough.core.ratelimit import rate_limit_hit

from .models import ApiClient


def bearer_key(request) -> str:
    """The key in ``Authorization: Bearer <key>``, or ``""``."""
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return ""
    return key.strip()


def client_rate_wait(request, client: ApiClient) -> int:
    """Count one call by ``client`` at its own rate (or the default ``api`` rate); the seconds
    it must wait before the next, or 0 if this call is allowed."""
    return rate_limit_hit(request, "api", who=f"api-client:{client.pk}", rate=client.rate_limit)
