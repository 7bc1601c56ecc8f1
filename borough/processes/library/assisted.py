"""Assisted bin collection (``assisted_collection.bpmn``, decision
``assisted_collection_eligibility``): eligibility from the resident's answers; an officer
decides when they are not sure how long help is needed; an eligible home is reviewed after
two years (six months when help is needed for less), by a waste officer."""

from __future__ import annotations

from borough.cases.models import Resolution, Status
from borough.cases.workflow import case_send_update

from ..registry import StepContext, service_task
from .common import actor, tell_and_close


@service_task("assisted.approve", "Put the home on the assisted round and tell the resident")
def approve(step: StepContext, params: dict) -> dict:
    case = step.case
    case.refresh_from_db()
    months = 6 if step.data.get("review_after") == "P182D" else 24
    if case.status != Status.CLOSED:
        case_send_update(
            case=case,
            to_status=Status.CLOSED,
            resolution=Resolution.FIXED,
            actor=actor("assisted-collection"),
            text=(
                "Your home is now on the assisted collection round: the crew will take your bins "
                "from where you keep them and put them back. We will check in "
                f"{months} months that you still need it."
            ),
        )
    return {"review_in_months": months}


@service_task("assisted.refuse", "Tell the resident they are not eligible, and why")
def refuse(step: StepContext, params: dict) -> dict:
    return tell_and_close(
        step,
        (
            "Thank you for asking. Assisted collections are for homes where no one can put the "
            "bins out; you told us someone at home can help, so we cannot add your home this "
            "time. If "
            "that changes, please ask again."
        ),
        Resolution.NOT_POSSIBLE,
        "assisted-collection",
    )
