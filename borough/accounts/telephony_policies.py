"""Who may change the phone routing plan and work the call queue (issue 21). Apart from
``policies`` only for its length; the same rules: the actor's own rights, asked by every
action and page."""

from __future__ import annotations

from borough.core.actors import Actor, StaffActor, SystemActor

from .memberships import holds_role
from .models import Role
from .policies import can_use_hub, visible_team_ids

# Everyone who answers residents in the live chat queue answers the phone queue too.
ROLES_HANDLING_CALLS = {Role.AGENT, Role.OFFICER, Role.TEAM_LEAD, Role.ADMIN}


def can_manage_routing_plan(user) -> bool:
    """May ``user`` change the phone routing plan (numbers, lines, hours, queues) and import
    it? Administrators only: one plan answers every number the council has."""
    if not can_use_hub(user):
        return False
    return bool(user.is_superuser) or holds_role(user, {Role.ADMIN})


def may_manage_routing_plan(actor: Actor) -> bool:
    """``can_manage_routing_plan`` for an action; Borough itself (the management command run
    by whoever runs the server) may too."""
    if isinstance(actor, SystemActor):
        return True
    return isinstance(actor, StaffActor) and can_manage_routing_plan(actor.user)


def can_handle_calls(user) -> bool:
    """May ``user`` see the call queue, the wallboard and the callbacks at all? Agents and
    above (which lines' calls: ``call_team_ids``)."""
    if not can_use_hub(user):
        return False
    return bool(user.is_superuser) or holds_role(user, ROLES_HANDLING_CALLS)


def call_team_ids(user) -> set[int] | None:
    """The teams whose lines' calls ``user`` may see and take, or ``None`` for every line.
    The hub's rule for cases: agents and admins every team, officers and team leads their
    own. A line with no team is answered by anyone who handles calls."""
    return visible_team_ids(user)


def can_handle_line(user, line) -> bool:
    """May ``user`` see and take calls to ``line`` (None: a number not in the plan)?"""
    if not can_handle_calls(user):
        return False
    teams = call_team_ids(user)
    return teams is None or line is None or line.team_id is None or line.team_id in teams


def may_handle_call(actor: Actor, call) -> bool:
    """May ``actor`` take this call, read its transcript, or mark its callback done?"""
    return isinstance(actor, StaffActor) and can_handle_line(actor.user, call.line)
