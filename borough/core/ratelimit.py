"""Rate limits for what anyone can do without signing in (submitting requests, searching).

A fixed window per client and purpose, counted in Django's cache: the process's own memory in
the embedded mode, Redis in production (``CACHE_URL``), so every web process shares the count.
Clients are told with a 429 page that says how long to wait. The client's address is only
used, hashed, as a cache key: it is never logged or stored.
"""

from __future__ import annotations

import hashlib
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"30/h"`` -> (30, 3600): how many in how many seconds."""
    count, _, unit = rate.partition("/")
    if not count.isdigit() or unit not in _UNITS:
        raise ValueError(f"A rate looks like 30/h or 5/m, not {rate!r}")
    return int(count), _UNITS[unit]


def client_address(request) -> str:
    """The client's address, trusting ``X-Forwarded-For`` only from our own proxies.

    With ``BOROUGH_TRUSTED_PROXIES = n`` (the number of proxies in front of Borough), the
    address is the n-th from the right of the header; with 0, it is the connection's.
    """
    proxies = settings.BOROUGH_TRUSTED_PROXIES
    if proxies:
        forwarded = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def _who(request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return "ip:" + client_address(request)


def rate_limit_hit(request, scope: str, *, who: str = "", rate: str = "") -> int:
    """Count one use of ``scope`` by this client; return the seconds to wait, or 0 if allowed.

    ``who`` counts for someone other than the signed-in user or the address (an API client:
    ``"api-client:12"``), and ``rate`` replaces the scope's configured rate (a client's own).
    """
    rate = rate or settings.BOROUGH_RATE_LIMITS.get(scope, "")
    if not rate:
        return 0
    limit, period = parse_rate(rate)
    window = int(time.time() // period)
    who = who or _who(request)
    digest = hashlib.sha256(f"{scope}|{who}|{settings.SECRET_KEY}".encode()).hexdigest()
    key = f"ratelimit:{scope}:{digest[:32]}:{window}"
    cache.add(key, 0, timeout=period + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period + 5)
        count = 1
    if count <= limit:
        return 0
    return max(1, int((window + 1) * period - time.time()))


def rate_limited(scope: str, *, methods: tuple[str, ...] = ("POST",)):
    """Refuse a view with a 429 page when this client has used ``scope`` too often."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method in methods:
                wait = rate_limit_hit(request, scope)
                if wait:
                    minutes = max(1, round(wait / 60))
                    response = render(
                        request,
                        "errors/429.html",
                        {"minutes": minutes},
                        status=429,
                    )
                    response["Retry-After"] = str(wait)
                    return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
