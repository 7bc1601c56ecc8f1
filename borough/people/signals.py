"""When a resident proves they own an email address, the requests made with it become theirs.

allauth sends ``email_confirmed`` when an address is verified through Borough, and
``user_signed_up`` (with a ``sociallogin``) when an account is made through GOV.UK One Login,
whose addresses arrive already verified.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed, user_signed_up
from django.dispatch import receiver

from .services import resident_claim_for_user


@receiver(email_confirmed, dispatch_uid="people_claim_on_email_confirmed")
def _claim_on_email_confirmed(sender, request, email_address, **kwargs):
    resident_claim_for_user(user=email_address.user, email=email_address.email)


@receiver(user_signed_up, dispatch_uid="people_claim_on_social_signup")
def _claim_on_verified_signup(sender, request, user, **kwargs):
    if kwargs.get("sociallogin") is None:
        return  # a password sign-up confirms its address later (email_confirmed)
    for address in EmailAddress.objects.filter(user=user, verified=True):
        resident_claim_for_user(user=user, email=address.email)
