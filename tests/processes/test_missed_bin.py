"""Missed bin: every path of ``missed_bin.bpmn`` (round running, crew reason, collected,
no record, no round at all)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from borough.cases.models import CaseEvent, Resolution, Status
from borough.core.actors import SystemActor
from borough.processes.models import (
    CrewOutcome,
    CrewRecord,
    CrewRound,
    InstanceStatus,
    ProcessStep,
)
from borough.processes.services import start_process

SYSTEM = SystemActor("test")


def _round(case, *, finished=True):
    now = timezone.now()
    return CrewRound.objects.create(
        round_ref="RD04",
        day=timezone.localdate(),
        street_id=case.property.usrn_id,
        stream="general",
        started_at=now - dt.timedelta(hours=3),
        finished_at=now - dt.timedelta(hours=1) if finished else None,
    )


def _run(case):
    instance = start_process(key="missed-bin", case=case, actor=SYSTEM)
    instance.refresh_from_db()
    case.refresh_from_db()
    return instance


def _told(case) -> str:
    return case.events.filter(is_public=True).order_by("-at", "-id").first().text


@pytest.mark.django_db
def test_round_still_running_is_refused_politely(processes, make_case):
    case = make_case()
    _round(case, finished=False)
    instance = _run(case)
    assert instance.status == InstanceStatus.COMPLETED and not instance.touched_by_person
    assert case.status == Status.CLOSED and case.resolution == Resolution.NOT_POSSIBLE
    assert "still out on your street's round" in _told(case)
    steps = list(instance.steps.values_list("step_id", flat=True))
    assert steps == ["start", "check_round", "decide", "which", "refuse", "end_refused"]
    assert instance.decisions == {"missed_bin_outcome": 1}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("outcome", "words"),
    [
        (CrewOutcome.ROAD_BLOCKED, "the road was blocked"),
        (CrewOutcome.NOT_PRESENTED, "the bin was not out"),
        (CrewOutcome.COLLECTED, "recorded emptying your bin at 07:42"),
    ],
)
def test_crew_record_is_told_to_the_resident_at_once(processes, make_case, outcome, words):
    case = make_case()
    crew_round = _round(case)
    at = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(7, 42)))
    CrewRecord.objects.create(round=crew_round, uprn=case.property_id, outcome=outcome, at=at)
    instance = _run(case)
    assert instance.status == InstanceStatus.COMPLETED
    assert case.status == Status.CLOSED
    assert words in _told(case)
    assert instance.steps.filter(step_id="explain", state="done").exists()


@pytest.mark.django_db
def test_no_crew_record_books_a_return_collection(processes, make_case):
    case = make_case()
    _round(case)
    instance = _run(case)
    assert instance.status == InstanceStatus.COMPLETED
    assert case.status == Status.IN_PROGRESS
    assert "booked a return collection" in _told(case)
    # every step is on the case's timeline, and the decision's version is kept there
    timeline = case.events.filter(kind=CaseEvent.Kind.PROCESS_STEP)
    assert [e.text for e in timeline][-2:] == [
        "Missed bin: Return collection booked",
        "Missed bin: finished",
    ]
    decided = timeline.get(data__step="Decide what to do")
    assert decided.data["detail"] == {"decision": "missed_bin_outcome", "version": 1}
    saved = sum(
        ProcessStep.objects.filter(instance=instance).values_list("minutes_saved", flat=True)
    )
    assert saved == 6


@pytest.mark.django_db
def test_no_round_that_day_books_a_return_collection(processes, make_case):
    case = make_case()
    instance = _run(case)
    assert instance.steps.filter(step_id="book_return").exists()
    assert case.status == Status.IN_PROGRESS
