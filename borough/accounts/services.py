"""Account write services."""

from __future__ import annotations

from allauth.account.models import EmailAddress
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
    email_mark_verified(user=user)
    return user


def email_mark_verified(*, user: User) -> EmailAddress:
    """Record the user's email as their verified, primary address.

    For accounts the council makes (staff): the council gave them the address, so there is
    nothing to confirm before they sign in.
    """
    address, _ = EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return address
