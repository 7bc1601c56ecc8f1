"""Duplicate reports (``duplicate_reports.bpmn``, decision ``duplicate_decision``): a new report
of the same problem near an open one (same service, ``cases.nearby``) is closed as its duplicate
and the reporter told the first report's reference (``cases.relations.case_mark_duplicate``
writes the public update, which is emailed). How near counts as the same problem is the
decision table's, so an administrator can change it."""

from __future__ import annotations

from borough.cases.models import Case
from borough.cases.nearby import duplicate_suggestions
from borough.cases.relations import case_mark_duplicate

from ..registry import StepContext, service_task
from .common import actor


@service_task("duplicates.find", "Find the nearest open earlier report of the same problem")
def find(step: StepContext, params: dict) -> dict:
    case = step.case
    earlier = [
        s
        for s in duplicate_suggestions(case)
        if s.case.is_open and s.case.created_at <= case.created_at
    ]
    if not earlier:
        return {"distance_metres": -1, "reference": ""}
    nearest = earlier[0]
    return {
        "distance_metres": round(nearest.distance_metres, 1),
        "reference": nearest.case.reference,
    }


@service_task("duplicates.link", "Close the report as a duplicate and tell the reporter")
def link(step: StepContext, params: dict) -> dict:
    case = Case.objects.get(pk=step.case.pk)
    if case.duplicate_of is not None:  # a retry after this step went
        return {"original": case.duplicate_of.reference}
    original = Case.objects.get(reference=step.data["nearest"]["reference"])
    case_mark_duplicate(case=case, original=original, actor=actor("duplicates"))
    return {"original": original.reference}
