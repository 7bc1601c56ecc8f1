"""Background work for messages, run by the Huey consumer."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import messages_retry_due


@db_periodic_task(crontab(minute="*"))
def messages_retry() -> int:
    """Every minute: try again the messages whose backoff is over (``services.BACKOFF_SECONDS``)."""
    return messages_retry_due()
