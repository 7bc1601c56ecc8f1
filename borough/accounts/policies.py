"""Who may do what. The one place permission questions are answered."""

from __future__ import annotations

from .models import Membership, Role

# Roles that may look at cases of every team (agents raise requests for any service; admins
# run the platform). Officers and team leads see the cases of their own teams only.
ROLES_SEEING_ALL_TEAMS = {Role.AGENT, Role.ADMIN}


def can_use_hub(user) -> bool:
    return bool(user.is_authenticated and user.is_council_staff)


def visible_team_ids(user) -> set[int] | None:
    """Team ids whose cases ``user`` may see, or ``None`` for every team."""
    if user.is_superuser:
        return None
    memberships = list(Membership.objects.filter(user=user).values_list("team_id", "role"))
    if any(role in ROLES_SEEING_ALL_TEAMS for _, role in memberships):
        return None
    return {team_id for team_id, _ in memberships}
