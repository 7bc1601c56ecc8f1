"""Who may see and change the sensors in council homes (issue 27): the housing repairs team
(officers and team leads) and admins read the readings and work the devices; team leads and
admins tune the rules; a tenant chooses for their own home. Apart from ``policies`` only for its
length; the same rules: the actor's own rights, asked by every action and page."""

from __future__ import annotations

from borough.core.actors import Actor, ResidentActor, StaffActor, SystemActor

from .models import Role
from .policies import in_team_roles_or_admin

HOUSING_TEAM_SLUG = "housing-repairs"
ROLES_READING_HOMES = {Role.OFFICER, Role.TEAM_LEAD}


def _housing_roles(user, roles) -> bool:
    return in_team_roles_or_admin(user, HOUSING_TEAM_SLUG, roles)


def can_see_homes(user) -> bool:
    """May ``user`` read homes' sensor readings, the homes at risk and the devices? Officers and
    team leads of the housing repairs team, admins and superusers."""
    return _housing_roles(user, ROLES_READING_HOMES)


def can_tune_home_rules(user) -> bool:
    """May ``user`` change the rules' thresholds? Team leads of housing repairs and admins."""
    return _housing_roles(user, {Role.TEAM_LEAD})


def may_work_devices(actor: Actor) -> bool:
    """Register devices, close their maintenance tasks; the ingest and rules as the system."""
    match actor:
        case SystemActor():
            return True
        case StaffActor(user=user):
            return can_see_homes(user)
    return False


def may_tune_home_rules(actor: Actor) -> bool:
    match actor:
        case SystemActor():
            return True
        case StaffActor(user=user):
            return can_tune_home_rules(user)
    return False


def may_choose_sharing(actor: Actor, property_id: int, living_there: set[int]) -> bool:
    """A tenant for the home they live in (``living_there``: the ids of its household), or
    housing staff recording a tenant's choice."""
    match actor:
        case ResidentActor(resident=resident):
            return resident is not None and resident.pk in living_there
        case StaffActor(user=user):
            return can_see_homes(user)
    return False
