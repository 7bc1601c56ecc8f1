"""Who may govern the council's information (issue 23): the register, retention and legal
holds, subject access, erasure, DPIAs and breaches. Apart from ``policies`` only for its
length; the same rules: the actor's own rights, asked by every action and page."""

from __future__ import annotations

from borough.core.actors import Actor, StaffActor, SystemActor

from .models import Role
from .policies import in_team_roles_or_admin

# ------------------------------------------------------------------ information governance

#: The team that answers information requests (subject access) and keeps the register.
GOVERNANCE_TEAM_SLUG = "complaints-and-information"
ROLES_GOVERNING_INFORMATION = {Role.OFFICER, Role.TEAM_LEAD}


def can_govern_information(user) -> bool:
    """May ``user`` keep the information asset register, the retention schedule and legal
    holds, and handle subject access requests? Officers and team leads of the complaints and
    information team, admins and superusers: a request gathers everything about a person."""
    return in_team_roles_or_admin(user, GOVERNANCE_TEAM_SLUG, ROLES_GOVERNING_INFORMATION)


def may_govern_information(actor: Actor) -> bool:
    """The same, for an action: staff who may, or Borough itself (the nightly retention run)."""
    if isinstance(actor, SystemActor):
        return True
    return isinstance(actor, StaffActor) and can_govern_information(actor.user)
