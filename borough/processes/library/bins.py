"""Missed bin (``definitions/missed_bin.bpmn``, decision ``missed_bin_outcome``): the report is
checked against the crew's round record. While the round is still running the report is
refused politely; when the crew recorded a reason (or a collection time) the resident is told
at once; when they recorded nothing a return collection is booked."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from borough.cases.models import Resolution, Status
from borough.cases.workflow import case_send_update

from ..models import CrewOutcome, CrewRecord, CrewRound
from ..registry import StepContext, service_task
from .common import actor, tell_and_close

STREAMS = {
    "general_waste": "general",
    "recycling": "recycling",
    "food_waste": "food",
    "garden_waste": "garden",
}
_REASONS = {
    CrewOutcome.NOT_PRESENTED: "the bin was not out when they came",
    CrewOutcome.ROAD_BLOCKED: "the road was blocked, so they could not reach it",
    CrewOutcome.CONTAMINATED: "the bin had the wrong things in it",
    CrewOutcome.TOO_HEAVY: "the bin was too heavy to lift safely",
}


def _local(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%H:%M}"


@service_task("bins.check_round", "Look up the crew's round record for the reported bin")
def check_round(step: StepContext, params: dict) -> dict:
    case = step.case
    stream = STREAMS.get((case.answers or {}).get("bin_type", ""), "general")
    street_id = case.street_id or (case.property.usrn_id if case.property_id else None)
    crew_round = (
        (
            CrewRound.objects.filter(
                street_id=street_id, stream=stream, day__lte=timezone.localdate()
            )
            .order_by("-day")
            .first()
        )
        if street_id
        else None
    )
    if crew_round is None:
        return {"status": "no_round", "record": "none"}
    if crew_round.finished_at is None:
        return {"status": "running", "record": "none", "round": crew_round.round_ref}
    record = (
        (CrewRecord.objects.filter(round=crew_round, uprn=case.property_id).order_by("-at").first())
        if case.property_id
        else None
    )
    if record is None:
        return {
            "status": "finished",
            "record": "none",
            "round": crew_round.round_ref,
            "day": crew_round.day.isoformat(),
        }
    return {
        "status": "finished",
        "record": record.outcome,
        "at": _local(record.at),
        "round": crew_round.round_ref,
        "day": crew_round.day.isoformat(),
    }


@service_task("bins.round_running", "Refuse politely: the crew is still out on the round")
def round_running(step: StepContext, params: dict) -> dict:
    return tell_and_close(
        step,
        (
            "Thank you for telling us. The crew is still out on your street's round today, so your "
            "bin may not have been reached yet. Please leave it out. If it has not been emptied by "
            "the end of the day, report it again tomorrow."
        ),
        Resolution.NOT_POSSIBLE,
        "missed-bin",
    )


@service_task("bins.explain", "Tell the resident what the crew recorded at their address")
def explain(step: StepContext, params: dict) -> dict:
    found = step.data["round"]
    if found["record"] == CrewOutcome.COLLECTED:
        text = (
            f"Our crew recorded emptying your bin at {found['at']} on your collection day. "
            "If it is still full, reply to this message and we will look into it."
        )
    else:
        text = (
            f"Our crew recorded at {found['at']} that {_REASONS[found['record']]}. We cannot "
            "go back this time; please put your bin out by 6am on your next collection day."
        )
    return tell_and_close(step, text, Resolution.NOT_POSSIBLE, "missed-bin")


@service_task("bins.book_return", "Book a return collection for the crew")
def book_return(step: StepContext, params: dict) -> dict:
    case = step.case
    case.refresh_from_db()
    if case.status == Status.IN_PROGRESS:
        return {"booked": True}
    case_send_update(
        case=case,
        to_status=Status.IN_PROGRESS,
        actor=actor("missed-bin"),
        text=(
            "Our crew has no record of a reason for missing your bin, so we have booked a return "
            "collection within 2 working days. Please leave your bin out until it is emptied."
        ),
    )
    return {"booked": True}
