"""Core's periodic task: the heartbeat that ``/readyz`` and the metrics read."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import periodic_task

from .heartbeat import heartbeat_beat


@periodic_task(crontab(minute="*"))
def heartbeat() -> None:
    heartbeat_beat()
