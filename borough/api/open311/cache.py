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
import secrets
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "open311:requests:version"
# Documents kept in each process's memory (at most this many, each until it expires).
LOCAL_ENTRIES = 16
_local: dict[str, tuple[float, bytes]] = {}
_lock = threading.Lock()


def _version() -> int:
    """The current version. One lost from the cache (evicted, cleared) starts again at a
    random number, so no process's memory can hold a document under it."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, secrets.randbits(48), timeout=None)
        version = _version()
    return version


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # lost: a new random start is a new version too
        _version()


def cases_changed(**_kwargs) -> None:
    """Signal receiver for saved and deleted cases and events: a new version now, and again
    once the transaction commits (a list built in between read the data before the commit)."""
    _bump()
    transaction.on_commit(_bump)


def cached_list(fmt: str, params, *, full: bool, build: Callable[[], bytes]) -> bytes:
    """The list's bytes from this process's memory, else the shared cache, or ``build()``
    them and keep them in both. The version always comes from the shared cache (every process
    sees a change at once); the documents, up to half a megabyte each, are read from it only
    when this process has not got them."""
    seconds = settings.BOROUGH_OPEN311_CACHE_SECONDS
    if seconds <= 0:
        return build()
    version = _version()
    shown = sorted(
        (name, value) for name, values in params.lists() if name != "api_key" for value in values
    )
    digest = hashlib.sha256(repr((fmt, full, shown)).encode()).hexdigest()
    key = f"open311:requests:{version}:{digest}"
    now = time.monotonic()
    kept = _local.get(key)
    if kept is not None and kept[0] > now:
        return kept[1]
    content = cache.get(key)
    if content is None:
        content = build()
        cache.set(key, content, timeout=seconds)
    with _lock:
        for old in [k for k, (until, _) in _local.items() if until <= now]:
            del _local[old]
        while len(_local) >= LOCAL_ENTRIES:
            del _local[next(iter(_local))]
        _local[key] = (now + seconds, content)
    return content
