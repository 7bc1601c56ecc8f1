"""Background work for contacts and form sessions, run by the Huey consumer."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import form_sessions_expire


@db_periodic_task(crontab(hour="3", minute="10"))
def saved_forms_expire() -> int:
    """Every night: wipe the answers of forms saved more than 28 days ago."""
    return form_sessions_expire()
