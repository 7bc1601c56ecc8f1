"""Background work for information governance, run by the Huey consumer."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from borough.core.actors import SystemActor

from .retention import retention_apply


@db_periodic_task(crontab(hour="3", minute="40"))
def retention_nightly() -> dict[str, int]:
    """Every night: apply the retention schedule; returns the counts removed by kind."""
    return dict(retention_apply(actor=SystemActor("retention")).counts)
