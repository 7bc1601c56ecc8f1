"""Hub writes: saved views of the queue, and bulk actions on cases.

Bulk actions change each case through ``borough.cases.services`` (one timeline event per case,
each case in its own transaction), so a case is either changed completely or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from borough.accounts.models import Team
from borough.accounts.policies import (
    can_change_saved_view,
    can_share_view,
    can_use_hub,
    visible_team_ids,
    work_team_ids,
)
from borough.cases.errors import CaseChanged, TransitionRefused
from borough.cases.models import Case, Resolution
from borough.cases.workflow import case_assign, case_transition
from borough.core.actors import StaffActor

from .models import SavedView

NAME_MAX = 80


class SavedViewInvalid(ValueError):
    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def _check_view(*, owner, name: str, team: Team | None, exclude: int | None = None) -> str:
    name = " ".join(name.split())
    errors = {}
    if not name:
        errors["name"] = "Enter a name for the view"
    elif len(name) > NAME_MAX:
        errors["name"] = f"Name must be {NAME_MAX} characters or fewer"
    elif SavedView.objects.filter(owner=owner, name__iexact=name).exclude(pk=exclude).exists():
        errors["name"] = "You already have a view with this name"
    if team is not None and not can_share_view(owner, team):
        errors["team"] = "You can only share views with a team you lead"
    if errors:
        raise SavedViewInvalid(errors)
    return name


def saved_view_create(*, actor, name: str, query: str, team: Team | None = None) -> SavedView:
    """Save the queue's current filters under a name; a team lead may share it with a team."""
    if not can_use_hub(actor):
        raise PermissionDenied
    name = _check_view(owner=actor, name=name, team=team)
    now = timezone.now()
    try:
        with transaction.atomic():
            return SavedView.objects.create(
                owner=actor,
                name=name,
                query=query[:1000],
                team=team,
                created_at=now,
                updated_at=now,
            )
    except IntegrityError:  # the same name saved twice at once (a double click)
        raise SavedViewInvalid({"name": "You already have a view with this name"}) from None


def saved_view_update(*, actor, view: SavedView, name: str, team: Team | None) -> SavedView:
    """Rename a saved view, and share it with a team or stop sharing it."""
    if not can_change_saved_view(actor, view):
        raise PermissionDenied
    view.name = _check_view(owner=actor, name=name, team=team, exclude=view.pk)
    view.team = team
    view.updated_at = timezone.now()
    view.save(update_fields=["name", "team", "updated_at"])
    return view


def saved_view_delete(*, actor, view: SavedView) -> None:
    if not can_change_saved_view(actor, view):
        raise PermissionDenied
    view.delete()


# ----------------------------------------------------------------------------- bulk actions

BULK_MAX = 200


@dataclass
class BulkResult:
    changed: list[str] = field(default_factory=list)  # references
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (reference, reason)
    not_found: int = 0  # ids that are no case the user may see


def _bulk_cases(actor, case_ids) -> tuple[list[Case], int, set[int] | None]:
    ids = sorted({int(i) for i in case_ids if str(i).isdigit() and len(str(i)) < 12})[:BULK_MAX]
    cases = Case.objects.select_related("service", "team").filter(pk__in=ids).order_by("reference")
    seen = visible_team_ids(actor)
    if seen is not None:
        cases = cases.filter(team_id__in=seen)
    found = list(cases)
    return found, len(ids) - len(found), work_team_ids(actor)


def _each(actor, case_ids, change) -> BulkResult:
    cases, not_found, may_work = _bulk_cases(actor, case_ids)
    result = BulkResult(not_found=not_found)
    for case in cases:
        if may_work is not None and case.team_id not in may_work:
            result.skipped.append((case.reference, "you cannot change this team's cases"))
            continue
        try:
            change(case)
        except (TransitionRefused, CaseChanged) as refused:
            result.skipped.append((case.reference, str(refused)))
        else:
            result.changed.append(case.reference)
    return result


def cases_bulk_assign(*, actor, case_ids, assignee) -> BulkResult:
    """Assign each case to ``assignee`` (or to nobody) through ``case_assign``.

    Cases the actor may not change, or whose team the assignee is not in, are skipped with a
    reason. Each case is one transaction and one timeline event.
    """

    def assign(case: Case) -> None:
        if assignee is not None and not assignee.memberships.filter(team_id=case.team_id).exists():
            raise TransitionRefused(f"{assignee} is not in the {case.team} team")
        case_assign(case=case, assignee=assignee, actor=StaffActor(actor))

    return _each(actor, case_ids, assign)


def cases_bulk_transition(
    *, actor, case_ids, to_state: str, note: str, resolution: str = ""
) -> BulkResult:
    """Move each case to the workflow state ``to_state`` through ``case_transition``, with the
    same note on each timeline. Cases whose workflow has no such state, or does not allow the
    move from where they are, are skipped with the reason ("cannot go from Fixed to Received").
    """
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
        case_transition(
            case=case,
            to_state=target.key,
            actor=StaffActor(actor),
            resolution=resolution,
            note=note,
        )

    return _each(actor, case_ids, move)
