"""Rate limits for what anyone can do without signing in (submitting requests, searching).

A fixed window per client and purpose, counted in Django's cache, which every web process
shares: Redis in production (``CACHE_URL``, atomic ``INCR``), files under ``var/cache/`` in the
embedded mode (the count is then taken under a file lock, so two worker processes cannot both
let the last allowed request through). Clients are told with a 429 page that says how long to
wait. The client's address is only used hashed (``address_digest``): never logged or stored.

``client_address`` is the one answer to "who is this client" behind reverse proxies
(``BOROUGH_TRUSTED_PROXIES``): Borough's limits, allauth's (``AccountAdapter.get_client_ip``)
and django-axes's (``AXES_CLIENT_IP_CALLABLE``) all use it.
"""

from __future__ import annotations

import fcntl
import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

# Cache backends whose ``incr`` is one atomic step in a store all processes share.
ATOMIC_BACKENDS = (
    "django.core.cache.backends.redis.RedisCache",
    "django_redis.cache.RedisCache",
    "django.core.cache.backends.memcached.PyMemcacheCache",
    "django.core.cache.backends.memcached.PyLibMCCache",
)

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
    proxies = settings.BOROUGH_TRUSTED_PROXIES or 0
    if proxies:
        forwarded = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def address_digest(request) -> str:
    """The client's address, hashed with the secret key: enough to tell clients apart in
    security events, not enough to get the address back."""
    return hashlib.sha256(
        f"ip|{client_address(request)}|{settings.SECRET_KEY}".encode()
    ).hexdigest()[:16]


@contextmanager
def _counting() -> Iterator[None]:
    """Hold the machine-wide counter lock when the cache cannot count atomically itself."""
    if settings.CACHES["default"]["BACKEND"] in ATOMIC_BACKENDS:
        yield
        return
    with open(settings.VAR_DIR / "ratelimit.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


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
    with _counting():
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
