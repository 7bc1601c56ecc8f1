"""A short-lived cache of request lists (issue 24): a feed polled by many clients is written
once per change, not once per poll.

A list is kept for ``BOROUGH_OPEN311_CACHE_SECONDS`` under its parameters, the caller's
access (public or full) and a version that every saved or deleted case or timeline event
bumps, so a change made through Borough's actions shows at once. What changes without a save
(bulk updates such as the SLA flags, an address import, a renamed team) shows within the
seconds set. 0 turns the cache off.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "open311:requests:version"


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet (or evicted): any new value makes a new version
        cache.add(VERSION_KEY, 1, timeout=None)


def cases_changed(**_kwargs) -> None:
    """Signal receiver for saved and deleted cases and events: a new version now, and again
    once the transaction commits (a list built in between read the data before the commit)."""
    _bump()
    transaction.on_commit(_bump)


def cached_list(fmt: str, params, *, full: bool, build: Callable[[], bytes]) -> bytes:
    """The list's bytes from the cache, or ``build()`` them and keep them."""
    seconds = settings.BOROUGH_OPEN311_CACHE_SECONDS
    if seconds <= 0:
        return build()
    version = cache.get(VERSION_KEY, 0)
    shown = sorted(
        (name, value) for name, values in params.lists() if name != "api_key" for value in values
    )
    digest = hashlib.sha256(repr((fmt, full, shown)).encode()).hexdigest()
    key = f"open311:requests:{version}:{digest}"
    content = cache.get(key)
    if content is None:
        content = build()
        cache.set(key, content, timeout=seconds)
    return content
