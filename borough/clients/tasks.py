"""Background work of the clients app."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import idempotent_responses_purge


@db_periodic_task(crontab(minute="17"))
def api_idempotency_purge() -> int:
    """Hourly: forget idempotent responses older than 24 hours."""
    return idempotent_responses_purge()
