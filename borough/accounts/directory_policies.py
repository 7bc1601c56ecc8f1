"""Who may change the community directory (issue 26): least privilege, beside ``policies``.

Members of an organisation's account (``accounts.Organisation``, linked to its listing), and
representatives linked before it had one, may propose changes to that organisation's
services; only the directory team's officers and team leads may approve or reject them, with
admins and superusers as everywhere else in the hub (``may_use_single_view``, governance).
Agents and other teams' officers may not. Nobody publishes without a review.
"""

from __future__ import annotations

from borough.core.actors import Actor, ResidentActor, StaffActor

from .models import OrganisationMember, Role
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
    """A member (any role) of the listing's organisation account (issue 26), or a resident the
    directory team linked to it as a representative before it had an account."""
    if not isinstance(actor, ResidentActor) or actor.user is None:
        return False
    if (
        organisation.account_id is not None
        and OrganisationMember.objects.filter(
            organisation_id=organisation.account_id, user=actor.user
        ).exists()
    ):
        return True
    return organisation.representatives.filter(pk=actor.user.pk).exists()
