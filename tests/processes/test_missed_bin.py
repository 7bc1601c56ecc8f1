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


CSV = (
    "round_ref,day,usrn,stream,started_at,finished_at,uprn,outcome,at\n"
    "RD04,{day},{usrn},general,{day}T06:00:00+00:00,{day}T13:10:00+00:00,{uprn},road_blocked,"
    "{day}T07:42:00+00:00\n"
)


@pytest.mark.django_db
def test_the_crews_round_record_is_imported_and_the_report_is_told_the_reason(processes, make_case):
    import io

    from borough.processes.crew import import_crew_rounds

    case = make_case()
    day = timezone.localdate().isoformat()
    text = CSV.format(day=day, usrn=case.property.usrn_id, uprn=case.property_id)
    report = import_crew_rounds(io.StringIO(text))
    assert report.ok and (report.rounds, report.records) == (1, 1)
    assert import_crew_rounds(io.StringIO(text)).records == 0  # again: nothing twice
    bad = import_crew_rounds(io.StringIO(text.replace("road_blocked", "lost").replace(day, "7/12")))
    assert not bad.ok and "line 2: day must be a date" in bad.errors[0]
    assert CrewRecord.objects.count() == 1
    _run(case)
    assert "the road was blocked" in _told(case)
