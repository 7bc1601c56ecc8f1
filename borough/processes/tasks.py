"""The process engine's background work: the timer sweep each minute, and starting the
processes of a new case (from ``cases.signals.case_event_recorded``)."""

from __future__ import annotations

import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from borough.cases.models import Case

from .library.bulky import release_lapsed_holds
from .library.discount import review_run
from .services import SYSTEM, send_message, start_for_case, sweep_timers

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))
def process_timer_sweep() -> int:
    """Fire the timers that are due (``services.sweep_timers``)."""
    fired, now = 0, timezone.now()
    while True:  # batches of 500 until none is due
        count = sweep_timers(now=now)
        fired += count
        if count == 0:
            return fired


@db_task(retries=3, retry_delay=30)
def start_processes(case_id: int) -> int:
    case = Case.objects.select_related("service").get(pk=case_id)
    return len(start_for_case(case))


@db_task(retries=3, retry_delay=30)
def deliver_message(case_id: int, name: str, payload: dict) -> int:
    return send_message(case_id=case_id, name=name, payload=payload, actor=SYSTEM)


@db_periodic_task(crontab(day="1", hour="6", minute="0"))
def single_person_discount_review_run() -> int:
    """Each month: open reviews of single person discounts (``library.discount.review_run``)."""
    return len(review_run())


@db_periodic_task(crontab(minute="*/5"))
def bulky_release_lapsed_holds() -> int:
    """Give back bulky waste places held for residents who did not pay in time."""
    return release_lapsed_holds()
