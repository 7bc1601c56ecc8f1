"""A person's team memberships, read once per user object (one request) for every permission
question asked of it (``accounts.policies``)."""

from __future__ import annotations

from .models import Membership

# A user's memberships, read once per user object (one request) instead of once per question:
# the hub's menu alone asks a dozen. Any change to a membership or a team bumps the generation
# (``accounts.signals``), so a user object that outlives the change reads them again.
_generation = 0


def membership_changed(**kwargs) -> None:
    global _generation
    _generation += 1


def memberships(user) -> tuple[tuple[int, str, str], ...]:
    """``(team_id, team_slug, role)`` for each of ``user``'s memberships."""
    if not user.is_authenticated:
        return ()
    cached = getattr(user, "_borough_memberships", None)
    if cached is not None and cached[0] == _generation:
        return cached[1]
    rows = tuple(Membership.objects.filter(user=user).values_list("team_id", "team__slug", "role"))
    user._borough_memberships = (_generation, rows)
    return rows


def roles_by_team(user) -> dict[int, str]:
    return {team_id: role for team_id, _, role in memberships(user)}


def holds_role(user, roles) -> bool:
    return any(role in roles for _, _, role in memberships(user))
