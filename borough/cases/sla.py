"""The SLA watch: every quarter of an hour, mark open cases at risk of missing their due date
or overdue, each once, and tell the team leads of teams with newly overdue cases.

Huey runs ``sla_check_every_quarter_hour`` (registered when the app is ready, ``apps.py``);
``manage.py sla_check`` runs the same check by hand.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from borough.accounts.models import Membership, Role

from .models import OPEN_STATUSES, Case, CaseEvent
from .selectors import sla_at_risk_until
from .side_effects import tell_team_lead_on_commit

log = logging.getLogger(__name__)

_BATCH = 500
_EMAIL_LIST = 50  # cases listed in one escalation email; the rest are linked


@dataclass
class SlaReport:
    """What one run of ``sla_check`` did: the cases newly at risk or overdue, who was told."""

    at_risk: list[int] = field(default_factory=list)
    overdue: list[int] = field(default_factory=list)
    told: dict[str, list[str]] = field(default_factory=dict)  # team lead email -> references

    def summary(self) -> str:
        return (
            f"{len(self.at_risk)} newly at risk, {len(self.overdue)} newly overdue, "
            f"{len(self.told)} team lead(s) emailed"
        )


def _batches(items: list, size: int = _BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def sla_check(*, now: dt.datetime) -> SlaReport:
    """Mark open cases at risk (due within ``SLA_AT_RISK_WORKING_DAYS`` working days) or overdue
    (past their due date), each once, with one timeline event; tell the team leads of the
    teams with newly overdue cases, by email and on each case's timeline.

    Idempotent: ``Case.at_risk_at`` and ``Case.overdue_at`` record that a case was marked, so a
    second run finds nothing new. Bulk queries only: the number of queries depends on the
    number of batches of 500 cases, never on each case. These markers are not a change made
    by staff, so they do not bump ``Case.version`` (an officer's open page stays valid).

    Each team lead's email is its own background task, queued when the markers commit: a
    failed send is retried on its own and stops no other, and a rollback sends nothing.
    """
    today = timezone.localdate(now)
    report = SlaReport()
    with transaction.atomic():
        open_cases = Case.objects.select_for_update(skip_locked=True, of=("self",)).filter(
            status__in=OPEN_STATUSES
        )
        at_risk = list(
            open_cases.filter(
                at_risk_at__isnull=True,
                due_date__gte=today,
                due_date__lte=sla_at_risk_until(today),
            ).values_list("pk", "due_date")
        )
        overdue = list(
            open_cases.filter(overdue_at__isnull=True, due_date__lt=today)
            .order_by("team_id", "due_date", "pk")
            .values_list("pk", "due_date", "team_id", "reference", "service__name")
        )
        events = [
            CaseEvent(
                case_id=pk,
                at=now,
                kind=CaseEvent.Kind.AT_RISK,
                text=f"Due {_day(due)}: at risk of missing it",
                data={"due_date": due.isoformat()},
            )
            for pk, due in at_risk
        ]
        for batch in _batches([pk for pk, _ in at_risk]):
            Case.objects.filter(pk__in=batch).update(at_risk_at=now)
        report.at_risk = [pk for pk, _ in at_risk]

        leads: dict[int, list] = {}
        if overdue:
            memberships = Membership.objects.filter(
                team_id__in={row[2] for row in overdue},
                role=Role.TEAM_LEAD,
                user__is_active=True,
            ).select_related("user", "team")
            for membership in memberships.order_by("user__first_name", "user__email"):
                leads.setdefault(membership.team_id, []).append(membership.user)
        by_team: dict[int, list[tuple]] = {}
        for pk, due, team_id, reference, service_name in overdue:
            events.append(
                CaseEvent(
                    case_id=pk,
                    at=now,
                    kind=CaseEvent.Kind.OVERDUE,
                    text=f"Was due {_day(due)}",
                    data={"due_date": due.isoformat()},
                )
            )
            told = leads.get(team_id, [])
            if told:
                events.append(
                    CaseEvent(
                        case_id=pk,
                        at=now,
                        kind=CaseEvent.Kind.ESCALATED,
                        text="Team lead told: " + ", ".join(str(user) for user in told),
                        data={"told": [user.pk for user in told]},
                    )
                )
            by_team.setdefault(team_id, []).append((reference, service_name, due))
        for batch in _batches([row[0] for row in overdue]):
            Case.objects.filter(pk__in=batch).update(overdue_at=now)
        report.overdue = [row[0] for row in overdue]
        CaseEvent.objects.bulk_create(events, batch_size=_BATCH)

        for team_id, rows in by_team.items():
            for lead in leads.get(team_id, []):
                tell_team_lead_on_commit(lead.email, _escalation(lead, rows))
                report.told[lead.email] = [reference for reference, _, _ in rows]
    return report


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _escalation(lead, rows: list[tuple]) -> dict:
    """What the ``team_overdue`` message says to one team lead: their team's newly overdue
    cases, oldest first, the first ``_EMAIL_LIST`` of them listed and the rest linked."""
    count = len(rows)
    return {
        "name": lead.first_name or str(lead),
        "count": count,
        "cases": [
            {
                "reference": reference,
                "service": service_name,
                "due": _day(due),
                "url": settings.SITE_URL + reverse("hub:case", args=[reference]),
            }
            for reference, service_name, due in rows[:_EMAIL_LIST]
        ],
        "more": f"{count - _EMAIL_LIST:,}" if count > _EMAIL_LIST else "",
        "more_url": f"{settings.SITE_URL}{reverse('hub:cases')}?overdue=1&sort=due",
    }


@db_periodic_task(crontab(minute="*/15"))
def sla_check_every_quarter_hour() -> str:
    """Mark cases at risk or overdue and tell team leads (``sla_check``)."""
    report = sla_check(now=timezone.now())
    log.info("sla check", extra={"at_risk": len(report.at_risk), "overdue": len(report.overdue)})
    return report.summary()
