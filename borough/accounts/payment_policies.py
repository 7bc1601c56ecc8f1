"""Who may take, reconcile and stop payments (issue 20). Apart from ``policies`` only for its
length; the same rules: the actor's own rights, asked by every action and page. (Refunds are
``policies.may_refund``.)"""

from __future__ import annotations

from borough.core.actors import Actor, ResidentActor, StaffActor

from .models import Role
from .policies import can_use_hub, in_team_roles_or_admin

#: The team that balances the council's income against what GOV.UK Pay took.
FINANCE_TEAM_SLUG = "finance"
ROLES_RECONCILING = {Role.OFFICER, Role.TEAM_LEAD}


def can_reconcile_payments(user) -> bool:
    """May ``user`` read the daily reconciliation of Borough's payments against GOV.UK Pay's
    (and download it)? Officers and team leads of the finance team, admins and superusers.
    Not agents, and not other teams' officers: it lists every payment the council took."""
    return in_team_roles_or_admin(user, FINANCE_TEAM_SLUG, ROLES_RECONCILING)


def may_take_payment(actor: Actor) -> bool:
    """May ``actor`` take a caller's card payment (MOTO) in assisted digital? Whoever in the
    hub may raise a request for a resident: the card is typed on GOV.UK Pay's own page, so
    Borough never sees its number."""
    match actor:
        case StaffActor(user=user):
            return can_use_hub(user)
    return False


def may_cancel_agreement(actor: Actor, agreement) -> bool:
    """May ``actor`` stop a subscription's yearly renewal? The signed-in resident whose it is."""
    match actor:
        case ResidentActor(user=user):
            return (
                user is not None
                and user.is_authenticated
                and agreement.user_id is not None
                and agreement.user_id == user.pk
            )
    return False
