"""Who may do what with processes (ADR 0023): asked by the services before they write."""

from __future__ import annotations

from borough.accounts.memberships import memberships
from borough.accounts.models import Role
from borough.accounts.policies import can_use_hub, can_work_case
from borough.core.actors import Actor, ApiClientActor, StaffActor, SystemActor


def can_manage_processes(user) -> bool:
    """Administrators change decision tables and see every process."""
    if not can_use_hub(user):
        return False
    return user.is_superuser or any(role == Role.ADMIN for _, _, role in memberships(user))


def can_see_processes(user) -> bool:
    """Team leads and administrators read the process pages (counts, stuck instances)."""
    if not can_use_hub(user):
        return False
    return user.is_superuser or any(
        role in (Role.ADMIN, Role.TEAM_LEAD) for _, _, role in memberships(user)
    )


def task_team_slugs(user) -> set[str] | None:
    """The teams whose process tasks ``user`` may do (None: every team)."""
    if user.is_superuser:
        return None
    rows = memberships(user)
    if any(role == Role.ADMIN for _, _, role in rows):
        return None
    return {slug for _, slug, role in rows if role in (Role.OFFICER, Role.TEAM_LEAD)}


def may_start_process(actor: Actor, case) -> bool:
    if isinstance(actor, SystemActor):
        return True
    return isinstance(actor, StaffActor) and can_work_case(actor.user, case)


def may_do_task(actor: Actor, team_slug: str) -> bool:
    if not isinstance(actor, StaffActor) or not can_use_hub(actor.user):
        return False
    teams = task_team_slugs(actor.user)
    return teams is None or team_slug in teams


def may_retry(actor: Actor, case) -> bool:
    if isinstance(actor, SystemActor):
        return True
    return isinstance(actor, StaffActor) and (
        can_manage_processes(actor.user) or can_work_case(actor.user, case)
    )


def may_change_decisions(actor: Actor) -> bool:
    return isinstance(actor, StaffActor) and can_manage_processes(actor.user)


def may_send_message(actor: Actor) -> bool:
    """Messages come from Borough's own apps (payments, notify, webhooks) or API clients."""
    return isinstance(actor, SystemActor | ApiClientActor)
