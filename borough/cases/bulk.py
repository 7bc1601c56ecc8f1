"""Bulk actions on the work queue: assign many cases, or move them to a workflow state.

The policy is asked once for the whole action (``accounts.policies``: who may bulk change at
all, and which teams' cases they work); each case is then changed through the same step as
the single action (``workflow.assign``, ``workflow.transition``), in its own transaction with
its own timeline event, so a case is changed completely or not at all. Cases the workflow or
the rules refuse are skipped with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction

from borough.accounts.policies import can_bulk_change, visible_team_ids, work_team_ids
from borough.core.actors import StaffActor

from .errors import CaseChanged, TransitionRefused, refuse_unless
from .models import Case, Resolution
from .workflow import assign, transition

BULK_MAX = 200


@dataclass
class BulkResult:
    changed: list[str] = field(default_factory=list)  # references
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (reference, reason)
    not_found: int = 0  # ids that are no case the actor may see


def _each(
    actor: StaffActor, case_ids: Iterable[int], change: Callable[[Case], object]
) -> BulkResult:
    """Run ``change`` on each chosen case the actor may see, each in its own transaction."""
    ids = sorted(set(case_ids))[:BULK_MAX]
    cases = Case.objects.select_related("service", "team").filter(pk__in=ids).order_by("reference")
    seen = visible_team_ids(actor.user)
    if seen is not None:
        cases = cases.filter(team_id__in=seen)
    found = list(cases)
    result = BulkResult(not_found=len(ids) - len(found))
    may_work = work_team_ids(actor.user)
    for case in found:
        if may_work is not None and case.team_id not in may_work:
            result.skipped.append((case.reference, "you cannot change this team's cases"))
            continue
        try:
            with transaction.atomic():
                change(case)
        except (TransitionRefused, CaseChanged) as refused:
            result.skipped.append((case.reference, str(refused)))
        else:
            result.changed.append(case.reference)
    return result


def _refuse_unless_bulk_allowed(actor: StaffActor) -> None:
    refuse_unless(isinstance(actor, StaffActor) and can_bulk_change(actor.user))


def cases_bulk_assign(*, actor: StaffActor, case_ids: Iterable[int], assignee) -> BulkResult:
    """Assign each case to ``assignee`` (or to nobody), as ``case_assign`` does.

    Refused (``NotAllowed``) to anyone who works no team's cases. Cases the actor may not
    change, or whose team the assignee is not in, are skipped with a reason; ids of cases the
    actor cannot see are counted as not found. Each case is one transaction and one event.
    """
    _refuse_unless_bulk_allowed(actor)
    return _each(
        actor,
        case_ids,
        lambda case: assign(case=case, assignee=assignee, actor=actor, expected_version=None),
    )


def cases_bulk_transition(
    *, actor: StaffActor, case_ids: Iterable[int], to_state: str, note: str, resolution: str = ""
) -> BulkResult:
    """Move each case to the workflow state ``to_state``, as ``case_transition`` does, with the
    same note on each timeline. Cases whose workflow has no such state, or does not allow the
    move from where they are, are skipped with the reason ("cannot go from Fixed to Received").
    """
    _refuse_unless_bulk_allowed(actor)
    if not note.strip():
        raise TransitionRefused("Enter a note to say why the status changed", field="note")
    if resolution and resolution not in Resolution.values:
        raise TransitionRefused("Choose a resolution from the list", field="resolution")

    def move(case: Case) -> None:
        flow = case.service.flow
        target = flow.state(to_state)
        if target is None:
            raise TransitionRefused(f"its workflow has no state called {to_state!r}")
        current = case.current_state
        if target.key not in {s.key for s in flow.next_states(current.key)}:
            raise TransitionRefused(f"cannot go from {current.label} to {target.label}")
        if target.is_closing and not (target.resolution or resolution):
            raise TransitionRefused(f"choose a resolution to move it to {target.label}")
        transition(
            case=case,
            to_state=target.key,
            to_status="",
            actor=actor,
            resolution=resolution,
            text=note,
            data=None,
            expected_version=None,
            email_resident=bool(note.strip()),
        )

    return _each(actor, case_ids, move)
