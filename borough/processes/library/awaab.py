"""Damp and mould in a council home, with Awaab's Law's timescales (the Hazards in Social
Housing (Prescribed Requirements) (England) Regulations 2025, in force from 27 October 2025;
``damp_and_mould.bpmn``, decision ``awaab_triage``).

Emergency hazard: investigate and make safe within 24 hours. Significant hazard: investigate
within 10 working days; a written summary to the tenant within 3 working days of the
investigation; make safe within 5 working days of it. Each deadline is a timer on the step: when
it passes with the step not done, the team leads are told and the case's timeline says so (the
step stays with the team). Working days skip weekends and bank holidays (``core.working_days``).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from borough.accounts.models import Membership, Role
from borough.cases.models import CaseEvent, Resolution, Status
from borough.cases.side_effects import tell_team_lead_on_commit
from borough.cases.sla import _escalation
from borough.cases.workflow import case_send_update
from borough.core.working_days import add_working_days

from ..registry import StepContext, service_task
from .common import actor


def _end_of_working_day(days: int) -> str:
    day = add_working_days(timezone.localdate(), days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59))).isoformat()


@service_task("awaab.deadlines", "Set Awaab's Law deadlines from the triage")
def deadlines(step: StepContext, params: dict) -> dict:
    if step.data.get("priority") == "emergency":
        return {"make_safe_by": (timezone.now() + dt.timedelta(hours=24)).isoformat()}
    return {"investigate_by": _end_of_working_day(10)}


@service_task("awaab.after_investigation", "Set the written summary and make-safe deadlines")
def after_investigation(step: StepContext, params: dict) -> dict:
    return (step.data.get("deadlines") or {}) | {
        "summary_by": _end_of_working_day(3),
        "make_safe_by": _end_of_working_day(5),
    }


@service_task("awaab.escalate", "A legal deadline passed: tell the team leads")
def escalate(step: StepContext, params: dict) -> dict:
    case = step.case
    now = timezone.now()
    leads = [
        m.user
        for m in Membership.objects.filter(
            team_id=case.team_id, role=Role.TEAM_LEAD, user__is_active=True
        ).select_related("user")
    ]
    CaseEvent.objects.create(
        case=case,
        at=now,
        kind=CaseEvent.Kind.ESCALATED,
        text="Awaab's Law deadline passed; team lead told: "
        + (", ".join(str(u) for u in leads) or "no team lead"),
        data={"told": [u.pk for u in leads], "awaab": True},
    )
    due = case.due_date or timezone.localdate()
    for lead in leads:
        tell_team_lead_on_commit(
            lead.email, _escalation(lead, [(case.reference, case.service.name, due)])
        )
    return {"told": [u.email for u in leads]}


@service_task("awaab.routine", "Book a routine damp repair and tell the resident")
def routine(step: StepContext, params: dict) -> dict:
    case = step.case
    case.refresh_from_db()
    if case.status == Status.NEW:
        case_send_update(
            case=case,
            to_status=Status.IN_PROGRESS,
            actor=actor("damp-and-mould"),
            text="Thank you for telling us. We have booked a repair for the damp; we will "
            "contact you to arrange a visit. If it spreads or anyone's health is affected, "
            "tell us straight away.",
        )
    return {"booked": True}


@service_task("awaab.made_safe", "Tell the resident the home has been made safe")
def made_safe(step: StepContext, params: dict) -> dict:
    case = step.case
    case.refresh_from_db()
    if case.status != Status.CLOSED:
        case_send_update(
            case=case,
            to_status=Status.CLOSED,
            resolution=Resolution.FIXED,
            actor=actor("damp-and-mould"),
            text="Our repairs team has made your home safe from the damp and mould. If it "
            "comes back, please tell us.",
        )
    return {"told": True}
