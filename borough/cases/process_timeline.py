"""The timeline API for process steps: each step an automated process takes on a case is one
timeline event (``CaseEvent.Kind.PROCESS_STEP``). Like the SLA markers, these record what the
process did, not a change made by staff, so they do not bump ``Case.version``: an officer's open
page stays valid while a process works on the case."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .models import CaseEvent


@dataclass(frozen=True)
class ProcessStepEntry:
    at: dt.datetime
    process: str
    step: str
    outcome: str = "done"  # done | waiting | failed
    user_id: int | None = None
    detail: dict | None = None


def record_process_steps(case_id: int, entries: list[ProcessStepEntry]) -> list[CaseEvent]:
    """Write one timeline event per process step, in order, in one query."""
    events = [
        CaseEvent(
            case_id=case_id,
            at=entry.at,
            kind=CaseEvent.Kind.PROCESS_STEP,
            actor_id=entry.user_id,
            text=_text(entry),
            data={"process": entry.process, "step": entry.step, "outcome": entry.outcome}
            | ({"detail": entry.detail} if entry.detail else {}),
        )
        for entry in entries
    ]
    return CaseEvent.objects.bulk_create(events)


def _text(entry: ProcessStepEntry) -> str:
    if entry.outcome == "failed":
        return f"{entry.process}: {entry.step} failed"
    if entry.outcome == "waiting":
        return f"{entry.process}: waiting on {entry.step}"
    return f"{entry.process}: {entry.step}"
