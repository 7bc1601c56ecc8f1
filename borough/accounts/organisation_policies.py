"""Who may do what for an organisation's account and for councillors (issue 26), beside
``policies``.

Inside an organisation: owners and administrators invite and remove members; every member
makes requests for it and sees its requests; nobody else does (a member of one organisation
never sees another's). In the hub: agents and admins see any organisation, officers and team
leads only organisations with a request in their teams, as for residents.
Councillors are accounts with the ``councillor`` role: they raise member enquiries and see
their own enquiries and their wards' figures, never the hub.
"""

from __future__ import annotations

from borough.core.actors import Actor, ResidentActor, StaffActor

from .models import Membership, OrganisationMember, OrganisationRole, Role
from .policies import can_use_hub, visible_team_ids

ROLES_MANAGING_MEMBERS = {OrganisationRole.OWNER, OrganisationRole.ADMIN}


def organisation_role(user, organisation) -> str | None:
    """``user``'s role in ``organisation``, or None if they are not a member."""
    if user is None or not user.is_authenticated:
        return None
    return (
        OrganisationMember.objects.filter(organisation=organisation, user=user)
        .values_list("role", flat=True)
        .first()
    )


def _resident_user(actor: Actor):
    return actor.user if isinstance(actor, ResidentActor) else None


def may_act_for_organisation(actor: Actor, organisation) -> bool:
    """Make a request for it and see its requests and members: any of its members."""
    return organisation_role(_resident_user(actor), organisation) is not None


def may_manage_members(actor: Actor, organisation) -> bool:
    """Invite and remove members: its owners and administrators."""
    return organisation_role(_resident_user(actor), organisation) in ROLES_MANAGING_MEMBERS


def may_invite_with_role(actor: Actor, organisation, role: str) -> bool:
    """Administrators may invite members and administrators; only owners make owners."""
    mine = organisation_role(_resident_user(actor), organisation)
    if mine == OrganisationRole.OWNER:
        return True
    return mine == OrganisationRole.ADMIN and role != OrganisationRole.OWNER


def can_see_organisations(user) -> bool:
    """The hub's organisation search: anyone who may use the hub (each page still checks)."""
    return can_use_hub(user)


def can_see_organisation(user, *, case_team_ids: set[int]) -> bool:
    """An organisation's page in the hub: agents and admins always, officers and team leads
    when it has a request (``case_team_ids``, the teams of its requests) in one of theirs."""
    if not can_use_hub(user):
        return False
    team_ids = visible_team_ids(user)
    return team_ids is None or bool(team_ids & case_team_ids)


def may_see_organisation(actor: Actor, organisation, *, case_team_ids: set[int]) -> bool:
    return isinstance(actor, StaffActor) and can_see_organisation(
        actor.user, case_team_ids=case_team_ids
    )


#: The team councillors belong to, with the ``councillor`` role.
COUNCILLORS_TEAM_SLUG = "councillors"


def is_councillor(user) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return Membership.objects.filter(user=user, role=Role.COUNCILLOR).exists()


def may_raise_member_enquiry(actor: Actor) -> bool:
    """A councillor, signed in (an account, not the hub)."""
    return isinstance(actor, ResidentActor) and is_councillor(actor.user)


def may_follow_enquiry(actor: Actor, enquiry) -> bool:
    """Only the councillor who raised it (no other councillor, even of the same ward)."""
    user = _resident_user(actor)
    return user is not None and is_councillor(user) and enquiry.councillor_id == user.pk
