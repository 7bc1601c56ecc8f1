"""SLA escalation as a process (``definitions/sla_escalation.bpmn``): one instance per case,
waiting on two timers (at risk, overdue) or the case's closing. The markers are the same as
the quarter-hourly check's (``cases.sla``): each is set once, so the check and the process
never mark a case twice, and either may run without the other."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from borough.accounts.models import Membership, Role
from borough.cases.models import OPEN_STATUSES, Case, CaseEvent
from borough.cases.selectors import sla_at_risk_until
from borough.cases.side_effects import tell_team_lead_on_commit
from borough.cases.sla import _escalation

from ..registry import StepContext, service_task


def _start_of(day: dt.date) -> str:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min)).isoformat()


def at_risk_day(due: dt.date) -> dt.date:
    """The first day on which a case due on ``due`` counts as at risk (same rule as the check)."""
    day = due
    for _ in range(14):  # a few working days back at most, bank holidays included
        if sla_at_risk_until(day - dt.timedelta(days=1)) < due:
            break
        day -= dt.timedelta(days=1)
    return day


@service_task("sla.schedule", "Work out when a case becomes at risk and overdue")
def schedule(step: StepContext, params: dict) -> dict:
    due = step.case.due_date
    if due is None:  # no SLA: wait until the case closes
        far = _start_of(dt.date(9999, 1, 1))
        return {"at_risk_at": far, "overdue_at": far}
    return {
        "at_risk_at": _start_of(at_risk_day(due)),
        "overdue_at": _start_of(due + dt.timedelta(days=1)),
    }


@service_task("sla.mark_at_risk", "Mark the case at risk of missing its due date")
def mark_at_risk(step: StepContext, params: dict) -> dict:
    now = timezone.now()
    with transaction.atomic():
        marked = Case.objects.filter(
            pk=step.case.pk, status__in=OPEN_STATUSES, at_risk_at__isnull=True
        ).update(at_risk_at=now)
        if marked:
            due = step.case.due_date
            CaseEvent.objects.create(
                case_id=step.case.pk,
                at=now,
                kind=CaseEvent.Kind.AT_RISK,
                text=f"Due {due.day} {due:%B %Y}: at risk of missing it",
                data={"due_date": due.isoformat(), "process": True},
            )
    return {"marked": bool(marked)}


@service_task("sla.escalate", "Mark the case overdue and email its team's leads")
def escalate(step: StepContext, params: dict) -> dict:
    now = timezone.now()
    case = Case.objects.select_related("service").get(pk=step.case.pk)
    with transaction.atomic():
        marked = Case.objects.filter(
            pk=case.pk, status__in=OPEN_STATUSES, overdue_at__isnull=True
        ).update(overdue_at=now)
        if not marked:
            return {"told": []}
        due = case.due_date
        CaseEvent.objects.create(
            case=case,
            at=now,
            kind=CaseEvent.Kind.OVERDUE,
            text=f"Was due {due.day} {due:%B %Y}",
            data={"due_date": due.isoformat(), "process": True},
        )
        leads = [
            m.user
            for m in Membership.objects.filter(
                team_id=case.team_id, role=Role.TEAM_LEAD, user__is_active=True
            ).select_related("user")
        ]
        if leads:
            CaseEvent.objects.create(
                case=case,
                at=now,
                kind=CaseEvent.Kind.ESCALATED,
                text="Team lead told: " + ", ".join(str(u) for u in leads),
                data={"told": [u.pk for u in leads]},
            )
        for lead in leads:
            tell_team_lead_on_commit(
                lead.email, _escalation(lead, [(case.reference, case.service.name, due)])
            )
    return {"told": [lead.email for lead in leads]}
