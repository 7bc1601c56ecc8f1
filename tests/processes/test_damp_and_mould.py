"""Damp and mould (Awaab's Law): every path of ``damp_and_mould.bpmn``: routine; emergency made
safe in time; emergency late (escalated, the step stays); significant through investigation,
written summary and making safe, each deadline escalating when it passes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from borough.accounts.models import Role, Team
from borough.cases.create import case_create
from borough.cases.models import CaseEvent, Status
from borough.core.actors import ResidentActor, StaffActor
from borough.core.channels import Channel
from borough.processes.models import InstanceStatus, ProcessStep, StepState
from borough.processes.services import complete_task, start_for_case, sweep_timers
from tests.factories import StaffFactory


@pytest.fixture
def repairs_officer(catalogue):
    team = Team.objects.get(slug="housing-repairs")
    StaffFactory(
        email="repairs.lead@council.example", membership__team=team, membership__role=Role.TEAM_LEAD
    )
    return StaffFactory(membership__team=team, membership__role=Role.OFFICER)


@pytest.fixture
def report(catalogue, gazetteer, processes):
    def make(health_risk: str, extent: str):
        case = case_create(
            actor=ResidentActor(),
            service=catalogue["report-damp-and-mould"],
            channel=Channel.WEB,
            answers={
                "address": 100021500001,
                "rooms": ["bedroom"],
                "extent": extent,
                "months": 3,
                "health_risk": health_risk,
                "phone": "07700 900123",
            },
        )
        (instance,) = [i for i in start_for_case(case) if i.definition.key == "damp-and-mould"]
        instance.refresh_from_db()
        return case, instance

    return make


def _step(instance, step_id):
    return ProcessStep.objects.get(instance=instance, step_id=step_id, state=StepState.WAITING)


def _escalations(case):
    return case.events.filter(kind=CaseEvent.Kind.ESCALATED, data__awaab=True).count()


@pytest.mark.django_db
def test_a_small_patch_with_no_health_risk_is_a_routine_repair(report):
    case, instance = report("no", "small")
    case.refresh_from_db()
    assert instance.status == InstanceStatus.COMPLETED and case.status == Status.IN_PROGRESS


@pytest.mark.django_db
def test_an_emergency_is_made_safe_in_time_and_a_late_one_escalates_once(report, repairs_officer):
    case, instance = report("yes", "small")
    visit = _step(instance, "emergency_visit")
    assert visit.team == "housing-repairs"
    assert sweep_timers(now=timezone.now() + dt.timedelta(hours=23)) == 0
    assert sweep_timers(now=timezone.now() + dt.timedelta(hours=25)) == 1
    assert sweep_timers(now=timezone.now() + dt.timedelta(hours=26)) == 0
    assert _escalations(case) == 1
    visit.refresh_from_db()
    assert visit.state == StepState.WAITING  # still the team's to do
    complete_task(step=visit, actor=StaffActor(repairs_officer), answers={})
    instance.refresh_from_db()
    case.refresh_from_db()
    assert instance.status == InstanceStatus.COMPLETED and case.status == Status.CLOSED


@pytest.mark.django_db
def test_a_significant_hazard_has_three_deadlines_each_escalating_when_missed(
    report, repairs_officer
):
    case, instance = report("no", "spreading")
    officer = StaffActor(repairs_officer)
    investigate = _step(instance, "investigate")
    sweep_timers(now=timezone.now() + dt.timedelta(days=20))  # past 10 working days
    assert _escalations(case) == 1
    complete_task(step=investigate, actor=officer, answers={})
    summary = _step(instance, "summary")
    complete_task(step=summary, actor=officer, answers={})  # in time: no escalation
    make_safe = _step(instance, "make_safe")
    sweep_timers(now=timezone.now() + dt.timedelta(days=10))  # past 5 working days
    sweep_timers(now=timezone.now() + dt.timedelta(days=10))  # again: nothing twice
    assert _escalations(case) == 2
    complete_task(step=make_safe, actor=officer, answers={})
    instance.refresh_from_db()
    case.refresh_from_db()
    assert instance.status == InstanceStatus.COMPLETED and case.status == Status.CLOSED
    assert instance.touched_by_person
