"""Assisted bin collection: every path of ``assisted_collection.bpmn`` (someone can help: not
eligible; long-term: eligible and reviewed after two years; short-term: reviewed in six months;
not sure: a waste officer decides)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from borough.cases.create import case_create
from borough.cases.models import Status
from borough.core.actors import ResidentActor, StaffActor, SystemActor
from borough.core.channels import Channel
from borough.processes.models import InstanceStatus, ProcessStep, StepState
from borough.processes.services import complete_task, start_process, sweep_timers

SYSTEM = SystemActor("test")


@pytest.fixture
def assisted(catalogue, gazetteer, processes):
    def make(anyone_to_help: str, duration: str):
        case = case_create(
            actor=ResidentActor(),
            service=catalogue["request-assisted-bin-collection"],
            channel=Channel.WEB,
            answers={
                "address": 100021500001,
                "anyone_to_help": "no",
                "reason": "I use a wheelchair",
                "duration": duration,
                "name": "Ada Lovelace",
                "phone": "07700 900123",
            },
        )
        instance = start_process(
            key="assisted-collection",
            case=case,
            actor=SYSTEM,
            data={"answers": case.answers | {"anyone_to_help": anyone_to_help}},
        )
        instance.refresh_from_db()
        case.refresh_from_db()
        return case, instance

    return make


@pytest.mark.django_db
def test_someone_at_home_can_help_so_the_home_is_not_eligible(assisted):
    # The online form already stops at "yes"; the rule decides reassessments staff start.
    case, instance = assisted("yes", "longer")
    assert instance.status == InstanceStatus.COMPLETED and case.status == Status.CLOSED
    assert "someone at home can help" in case.events.filter(is_public=True).last().text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("duration", "days", "months"), [("longer", 730, 24), ("less_than_6_months", 182, 6)]
)
def test_an_eligible_home_is_added_and_comes_back_for_review(
    assisted, waste_officer, duration, days, months
):
    case, instance = assisted("no", duration)
    assert case.status == Status.CLOSED and instance.status == InstanceStatus.WAITING
    assert f"check in {months} months" in case.events.filter(is_public=True).last().text
    assert sweep_timers(now=timezone.now() + dt.timedelta(days=days - 2)) == 0
    assert sweep_timers(now=timezone.now() + dt.timedelta(days=days + 1)) == 1
    review = ProcessStep.objects.get(instance=instance, step_id="review")
    assert review.state == StepState.WAITING and review.team == "waste"
    complete_task(
        step=review, actor=StaffActor(waste_officer), answers={"review_note": "Still needed"}
    )
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.COMPLETED


@pytest.mark.django_db
def test_not_sure_for_how_long_asks_a_waste_officer(assisted, waste_officer):
    case, instance = assisted("no", "not_sure")
    step = ProcessStep.objects.get(instance=instance, step_id="officer_decides")
    complete_task(step=step, actor=StaffActor(waste_officer), answers={"outcome": "not_eligible"})
    instance.refresh_from_db()
    case.refresh_from_db()
    assert instance.status == InstanceStatus.COMPLETED and case.status == Status.CLOSED
    assert instance.steps.filter(step_id="refuse", state="done").exists()
