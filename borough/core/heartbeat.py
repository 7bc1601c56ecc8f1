"""The periodic task runner's heartbeat: ``/readyz`` fails when it has stopped (issue 24).

The consumer's scheduler queues ``heartbeat`` every minute and a worker runs it, which writes
the time into the task queue's own storage (Redis in production, so every web process reads
the same one). Its age says that periodic tasks run at all; how late it ran within its minute
says how far behind the queue is (``borough_task_queue_lag_seconds``).
"""

from __future__ import annotations

import time

from huey.contrib.djhuey import HUEY

KEY = "borough:heartbeat"
# Before any heartbeat is read, the age counts from this process's start: a fresh deployment
# is given the same grace as a running one.
_STARTED = time.time()


def heartbeat_beat(now: float | None = None) -> dict[str, float]:
    """Record that the periodic task runner ran now; returns what was recorded."""
    now = time.time() if now is None else now
    beat = {"at": now, "lag": now - (now // 60) * 60}
    HUEY.put(KEY, beat)
    return beat


def heartbeat_last() -> dict[str, float] | None:
    """The last heartbeat (``at``: when, ``lag``: seconds late within its minute), if any."""
    beat = HUEY.get(KEY, peek=True)
    return beat if isinstance(beat, dict) else None


def heartbeat_age(now: float | None = None) -> float:
    """Seconds since the last heartbeat (since this process started, if there was none)."""
    now = time.time() if now is None else now
    beat = heartbeat_last()
    return now - (beat["at"] if beat else _STARTED)
