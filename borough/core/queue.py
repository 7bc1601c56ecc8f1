"""The task queue on Redis for more than one consumer (issue 24; ADR 0034).

Every Huey consumer runs a scheduler that enqueues the periodic tasks due each minute. With
several consumers (several machines, or pods) each would enqueue them, so an hourly job would
run once per consumer. Here a consumer enqueues a periodic task only if it is the first to
claim that task for that minute: one Redis ``SET NX`` per task and minute, kept a day. However
many consumers run, each periodic task runs once a minute it is due; the losers log that
another consumer has it.
"""

from __future__ import annotations

import datetime as dt
import logging

from huey import RedisHuey

log = logging.getLogger("borough.queue")

CLAIM_SECONDS = 24 * 60 * 60


class SharedRedisHuey(RedisHuey):
    """RedisHuey whose periodic tasks are claimed once per minute across all consumers."""

    def claim_key(self, task_name: str, timestamp: dt.datetime) -> str:
        return f"huey.{self.name}.periodic.{task_name}.{timestamp:%Y%m%d%H%M}"

    def read_periodic(self, timestamp):
        due = super().read_periodic(timestamp)
        if timestamp is None:
            timestamp = self._get_timestamp()
        claimed = []
        for task in due:
            key = self.claim_key(task.name, timestamp)
            if self.storage.conn.set(key, "1", nx=True, ex=CLAIM_SECONDS):
                claimed.append(task)
            else:
                log.info(
                    "periodic task already enqueued by another consumer",
                    extra={"task": task.name, "minute": f"{timestamp:%Y-%m-%dT%H:%M}"},
                )
        return claimed
