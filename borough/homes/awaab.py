"""Awaab's Law's timescales (the Hazards in Social Housing (Prescribed Requirements) (England)
Regulations 2025, in force 27 October 2025; ADR homes cites the sources).

- A significant hazard (damp and mould): investigate within 10 working days of becoming aware;
  a written summary to the tenant within 3 working days of the investigation ending; safety work
  within 5 working days of the investigation ending.
- An emergency hazard (any HHSRS hazard with an imminent and significant risk): investigate and
  make safe within 24 hours.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from borough.core.working_days import add_working_days

INVESTIGATE_SIGNIFICANT_WORKING_DAYS = 10
SUMMARY_WORKING_DAYS = 3
SAFETY_WORK_WORKING_DAYS = 5
EMERGENCY_HOURS = 24


def _end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59)))


@dataclass(frozen=True)
class Deadlines:
    hazard: str  # "significant", "emergency" or "" (not under Awaab's Law)
    investigate_by: dt.datetime | None


def deadlines(hazard: str, aware_at: dt.datetime) -> Deadlines:
    """When the investigation is due, counted from when the council became aware."""
    if hazard == "emergency":
        return Deadlines(hazard, aware_at + dt.timedelta(hours=EMERGENCY_HOURS))
    if hazard == "significant":
        day = add_working_days(timezone.localdate(aware_at), INVESTIGATE_SIGNIFICANT_WORKING_DAYS)
        return Deadlines(hazard, _end_of(day))
    return Deadlines("", None)


def after_investigation(ended_on: dt.date) -> dict[str, dt.date]:
    """The written summary's and the safety work's due dates once an investigation ends."""
    return {
        "summary_by": add_working_days(ended_on, SUMMARY_WORKING_DAYS),
        "safety_work_by": add_working_days(ended_on, SAFETY_WORK_WORKING_DAYS),
    }
