"""Who may govern the council's information (issue 23): the register, retention and legal
holds, subject access, erasure, DPIAs and breaches. Apart from ``policies`` only for its
length; the same rules: the actor's own rights, asked by every action and page."""

from __future__ import annotations

from django.db.models import Q

from borough.core.actors import Actor, StaffActor, SystemActor

from .models import Membership, Role
from .policies import can_use_hub

# ------------------------------------------------------------------ information governance

#: The team that answers information requests (subject access) and keeps the register.
GOVERNANCE_TEAM_SLUG = "complaints-and-information"
ROLES_GOVERNING_INFORMATION = {Role.OFFICER, Role.TEAM_LEAD}


def can_govern_information(user) -> bool:
    """May ``user`` keep the information asset register, the retention schedule and legal
    holds, and handle subject access requests? Officers and team leads of the complaints and
    information team, admins and superusers: a request gathers everything about a person."""
    if not can_use_hub(user):
        return False
    if user.is_superuser:
        return True
    return (
        Membership.objects.filter(user=user)
        .filter(
            Q(role=Role.ADMIN)
            | Q(team__slug=GOVERNANCE_TEAM_SLUG, role__in=ROLES_GOVERNING_INFORMATION)
        )
        .exists()
    )


def may_govern_information(actor: Actor) -> bool:
    """The same, for an action: staff who may, or Borough itself (the nightly retention run)."""
    if isinstance(actor, SystemActor):
        return True
    return isinstance(actor, StaffActor) and can_govern_information(actor.user)
