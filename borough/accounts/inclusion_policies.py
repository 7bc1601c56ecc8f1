"""Who may do what in digital inclusion (issue 26): least privilege, beside ``policies``.

- The digital inclusion team's officers and team leads (and admins) run it: decide
  nominations, offer devices, record handovers, returns and wipes, and see the reports.
- Agents (any team) help a resident on the phone: accept a loan agreement for them and book
  them a skills session. They see that one resident's loans and bookings, nothing else.
- A partner's members (a library, a charity) nominate residents and book sessions for the
  residents they nominated, and see only their own partner's nominations.
- A signed-in resident accepts their own loan, books sessions and answers their survey.
"""

from __future__ import annotations

from borough.core.actors import Actor, ResidentActor, StaffActor, SystemActor

from .models import Membership, OrganisationMember, Role
from .policies import can_use_hub, in_team_roles_or_admin

INCLUSION_TEAM_SLUG = "digital-inclusion"
ROLES_RUNNING_INCLUSION = {Role.OFFICER, Role.TEAM_LEAD}


def can_run_inclusion(user) -> bool:
    """Officers and team leads of digital inclusion, admins and superusers."""
    return in_team_roles_or_admin(user, INCLUSION_TEAM_SLUG, ROLES_RUNNING_INCLUSION)


def can_assist_inclusion(user) -> bool:
    """Those who run it, and agents helping a resident on the phone."""
    if can_run_inclusion(user):
        return True
    return can_use_hub(user) and Membership.objects.filter(user=user, role=Role.AGENT).exists()


def is_partner_member(user, partner) -> bool:
    """Listed in the partner's ``members``, or a member of its organisation account."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if partner.members.filter(pk=user.pk).exists():
        return True
    return bool(
        partner.organisation_id
        and OrganisationMember.objects.filter(
            organisation_id=partner.organisation_id, user=user
        ).exists()
    )


def may_run_inclusion(actor: Actor) -> bool:
    """Decide, offer, hand over, return, wipe, manage sessions and attendance."""
    match actor:
        case SystemActor():
            return True
        case StaffActor(user=user):
            return can_run_inclusion(user)
    return False


def may_nominate(actor: Actor, partner) -> bool:
    """Staff who run inclusion or assist (``partner`` None); a partner's member for it."""
    match actor:
        case StaffActor(user=user):
            return partner is None and can_assist_inclusion(user)
        case ResidentActor(user=user):
            return partner is not None and is_partner_member(user, partner)
    return False


def may_act_for_resident(actor: Actor, resident, partner_ids: set[int]) -> bool:
    """Accept a loan or book a session for ``resident``: the resident signed in, staff who
    assist, or a member of a partner that nominated them (``partner_ids``)."""
    match actor:
        case SystemActor():
            return True
        case StaffActor(user=user):
            return can_assist_inclusion(user)
        case ResidentActor(resident=me, user=user):
            if me is not None and me.pk == resident.pk:
                return True
            return bool(
                user is not None
                and user.is_authenticated
                and partner_ids
                and (
                    user.inclusion_partners.filter(pk__in=partner_ids).exists()
                    or user.organisation_members.filter(
                        organisation__inclusion_partner__pk__in=partner_ids
                    ).exists()
                )
            )
    return False
