"""Account write services."""

from __future__ import annotations

from django.db import transaction

from .models import Membership, Team, User


@transaction.atomic
def staff_create(
    *,
    email: str,
    password: str,
    first_name: str,
    last_name: str,
    team: Team,
    role: str,
    is_superuser: bool = False,
) -> User:
    """Create a member of staff with one team membership."""
    user = User.objects.create_user(
        email=email,
        password=password,
        first_name=first_name,
        last_name=last_name,
        kind=User.Kind.STAFF,
        is_staff=is_superuser,
        is_superuser=is_superuser,
    )
    Membership.objects.create(user=user, team=team, role=role)
    return user
