"""Who may change the community directory (issue 26): least privilege, beside ``policies``.

Representatives of an organisation (resident accounts the directory team linked to it) may
propose changes to that organisation's services; only the directory team's officers and team
leads may approve or reject them, with admins and superusers as everywhere else in the hub
(``may_use_single_view``, governance). Agents and other teams' officers may not. Nobody
publishes without a review.
"""

from __future__ import annotations

from borough.core.actors import Actor, ResidentActor, StaffActor

from .models import Role
from .policies import in_team_roles_or_admin

#: The team that keeps the community directory.
DIRECTORY_TEAM_SLUG = "directory"
ROLES_REVIEWING_DIRECTORY = {Role.OFFICER, Role.TEAM_LEAD}


def can_review_directory(user) -> bool:
    """May ``user`` see proposed directory changes and approve or reject them?"""
    return in_team_roles_or_admin(user, DIRECTORY_TEAM_SLUG, ROLES_REVIEWING_DIRECTORY)


def may_review_directory(actor: Actor) -> bool:
    return isinstance(actor, StaffActor) and can_review_directory(actor.user)


def may_propose_for_organisation(actor: Actor, organisation) -> bool:
    """A signed-in resident linked to ``organisation`` as its representative."""
    if not isinstance(actor, ResidentActor) or actor.user is None:
        return False
    return organisation.representatives.filter(pk=actor.user.pk).exists()
