"""Service tasks any process may use: tell the resident, close the case, put it with a team."""

from __future__ import annotations

from borough.cases.models import Resolution, Status
from borough.cases.workflow import case_send_update
from borough.core.actors import SystemActor

from ..registry import StepContext, service_task


def actor(process: str) -> SystemActor:
    return SystemActor(name=f"process:{process}")


def tell_and_close(step: StepContext, text: str, resolution: str, process: str) -> dict:
    """Send the resident ``text`` and close the case with ``resolution`` (one timeline event)."""
    case = step.case
    case.refresh_from_db()
    if case.status == Status.CLOSED:  # already closed (a retry after this step went)
        return {"closed": True}
    case_send_update(
        case=case, text=text, actor=actor(process), to_status=Status.CLOSED, resolution=resolution
    )
    return {"closed": True}


@service_task("case.tell_resident", "Send the resident a public update on their case")
def tell_resident(step: StepContext, params: dict) -> dict:
    case = step.case
    case.refresh_from_db()
    case_send_update(case=case, text=str(params["text"]), actor=actor("update"))
    return {"told": True}


@service_task("case.close_done", "Close the case as done, telling the resident why")
def close_done(step: StepContext, params: dict) -> dict:
    return tell_and_close(step, str(params["text"]), Resolution.FIXED, "close")
