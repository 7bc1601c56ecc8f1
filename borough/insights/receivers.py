"""What insights does when someone signs in (connected in ``apps.py``)."""

from __future__ import annotations

from .services import sign_in_record


def resident_signed_in(sender, request, user, **kwargs) -> None:
    """Only notes the day: the active-residents count needs every day a resident signed in,
    which ``User.last_login`` (the latest only) cannot give."""
    sign_in_record(user=user)
