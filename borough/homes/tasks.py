"""Huey's periodic check of the homes: silent sensors and Awaab's Law escalation."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .pipeline import homes_check


@db_periodic_task(crontab(minute="*/15"))
def homes_check_every_quarter_hour() -> dict[str, int]:
    return homes_check()
