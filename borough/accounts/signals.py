"""Receivers for allauth's signals that keep the hub's MFA rule (borough.accounts.mfa)."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added
from django.dispatch import receiver

from .mfa import record_mfa_in_session


@receiver(authenticator_added, dispatch_uid="accounts_mfa_done_on_totp_set_up")
def _mfa_done_when_authenticator_app_set_up(sender, request, user, authenticator, **kwargs):
    """Setting up an authenticator app takes a code from it, which proves it is at hand: the
    member of staff need not type a second code to reach the hub."""
    if request is None or authenticator.type != Authenticator.Type.TOTP:
        return
    if request.user.is_authenticated and request.user.pk == user.pk:
        record_mfa_in_session(request.session, user, authenticator, set_up=True)
