"""What an action on a case sets going once its transaction commits: the messages the Huey
tasks in ``cases.tasks`` send. A change that is rolled back sends nothing.

The actions import this module and this module imports the tasks; the tasks import no action,
so there is no circle between them.
"""

from __future__ import annotations

from functools import partial

from django.db import transaction

from . import tasks


def acknowledge_on_commit(case_id: int) -> None:
    """Email the resident the new case's reference (if they gave an address)."""
    transaction.on_commit(partial(tasks.case_acknowledge, case_id))


def email_resident_on_commit(event_id: int) -> None:
    """Email the resident a public event on their case (an update, a status change)."""
    transaction.on_commit(partial(tasks.case_update_email, event_id))


def tell_team_on_commit(event_id: int, template_key: str) -> None:
    """Email the case's team about something the resident did (one event)."""
    transaction.on_commit(partial(tasks.case_tell_team, event_id, template_key))


def tell_team_lead_on_commit(to: str, context: dict) -> None:
    """Email one team lead the cases of their team that are newly overdue."""
    transaction.on_commit(partial(tasks.team_overdue_email, to, context))
