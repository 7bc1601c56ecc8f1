"""Huey's daily inclusion round: reminders and the three-month survey."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .reminders import reminders_send


@db_periodic_task(crontab(hour="9", minute="0"))
def inclusion_reminders_every_morning() -> dict[str, int]:
    return reminders_send()
