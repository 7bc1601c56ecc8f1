"""Who may act on public reports and alerts (issue 25). Apart from ``policies`` only for its
length; the same rules: the actor's own rights, asked by every action."""

from __future__ import annotations

from borough.core.actors import Actor, ResidentActor, StaffActor, SystemActor

from .policies import can_use_hub


def may_support_case(actor: Actor, case) -> bool:
    """May ``actor`` say "this is my problem too" about ``case``? A resident (signed in or not),
    about an open report of a service that is not private; never staff, who would count twice."""
    if not isinstance(actor, ResidentActor):
        return False
    if actor.user is not None and getattr(actor.user, "is_council_staff", False):
        return False
    return case.is_open and not case.service.is_private and case.duplicate_of_id is None


def may_follow(actor: Actor, *, email: str, confirmed: bool) -> bool:
    """May ``actor`` start an alert to ``email``? A resident: to their own account's address
    (``confirmed``), or to any address, which must then be confirmed by a link sent to it."""
    return isinstance(actor, ResidentActor) and bool(email)


def may_end_alert(actor: Actor, alert) -> bool:
    """May ``actor`` end ``alert``? The holder of its unsubscribe link (a resident acting on the
    link, Borough on their behalf), its account, and hub staff asked by a resident to."""
    match actor:
        case ResidentActor(user=user):
            return user is None or alert.user_id in (None, user.pk)
        case StaffActor(user=user):
            return can_use_hub(user)
        case SystemActor():
            return True
    return False
