"""Background work for insights, run by the Huey consumer."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import counts_rebuild


@db_periodic_task(crontab(minute="*/15"))
def counts_refresh() -> int:
    """Rebuild yesterday's and today's counts (yesterday catches events that came in late)."""
    today = timezone.localdate()
    return counts_rebuild(start=today - dt.timedelta(days=1), end=today).rows
