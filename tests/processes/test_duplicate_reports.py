"""Duplicate reports: every path of ``duplicate_reports.bpmn`` (no earlier report: a new
problem; one close by: closed as its duplicate, the reporter told its reference; one further
than the decision's 50 metres: a new problem)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from borough.cases.models import Case, Status
from borough.core.actors import SystemActor
from borough.processes.models import InstanceStatus
from borough.processes.services import start_process

SYSTEM = SystemActor("test")


def _run(case):
    instance = start_process(key="duplicate-reports", case=case, actor=SYSTEM)
    instance.refresh_from_db()
    case.refresh_from_db()
    return instance


@pytest.mark.django_db
def test_a_second_report_nearby_is_linked_and_the_reporter_told(processes, make_case):
    first = make_case()
    assert _run(first).steps.filter(step_id="end_new").exists()
    second = make_case()
    instance = _run(second)
    assert instance.status == InstanceStatus.COMPLETED
    assert second.duplicate_of == first and second.status == Status.CLOSED
    told = second.events.filter(is_public=True).last()
    assert first.reference in told.text


@pytest.mark.django_db
def test_a_report_further_than_the_decision_allows_is_a_new_problem(processes, make_case):
    first = make_case()
    second = make_case()
    further = first.latitude + Decimal("0.0006")  # about 67 metres north
    Case.objects.filter(pk=second.pk).update(latitude=further)
    second.refresh_from_db()
    instance = _run(second)
    assert instance.steps.filter(step_id="end_new").exists()
    assert second.duplicate_of is None and second.status != Status.CLOSED
