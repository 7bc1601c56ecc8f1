"""Background work for the form engine, run by the Huey consumer."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .uploads import uploads_purge


@db_periodic_task(crontab(minute="40"))
def uploads_purge_hourly() -> int:
    """Every hour: delete the stored files no case keeps (issue 16)."""
    return uploads_purge()
