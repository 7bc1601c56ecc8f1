"""How django-allauth behaves in Borough: GOV.UK words, where people land, staff MFA rules.

Configured in settings (ACCOUNT_ADAPTER, MFA_ADAPTER, SOCIALACCOUNT_ADAPTER); see ADR 0009.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.core import context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext_lazy as _

from borough.core import encryption
from borough.core.ratelimit import client_address
from borough.core.security_events import Kind, security_event_record

from .policies import can_use_hub

# allauth's error codes that mean one of its rate limits refused the attempt.
RATE_LIMIT_ERRORS = {"too_many_login_attempts", "rate_limited"}

# The resident's account pages (built by the portal). Until they exist, residents land on the
# portal's home page.
RESIDENT_HOME = "/my-account/"


def resident_home_url() -> str:
    try:
        resolve(RESIDENT_HOME)
    except Resolver404:
        return reverse("portal:home")
    return RESIDENT_HOME


def on_site(url: str) -> str:
    """An absolute link on this site's one address (``BOROUGH_SITE_URL``), whatever host the
    request that made it came in on: ``http://localhost:8000/x/?y`` → ``<SITE_URL>/x/?y``."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return settings.SITE_URL + (url if url.startswith("/") else f"/{url}")
    rest = parts.path + (f"?{parts.query}" if parts.query else "")
    return settings.SITE_URL + rest + (f"#{parts.fragment}" if parts.fragment else "")


def _links_on_site(value):
    """allauth puts absolute links in its emails' context (sign-up, password reset): each is
    moved onto the site's one address."""
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        return on_site(value)
    return value


CONFIRMED_MESSAGE = "account/messages/email_confirmed.txt"
SIGNED_IN_MESSAGE = "account/messages/logged_in.txt"


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": _("Enter a correct email address and password"),
        "email_taken": _(
            "An account already exists with this email address. Sign in or reset your password"
        ),
        "incorrect_code": _("The code is not right. Check the email and try again"),
        "incorrect_password": _("The password is not right"),
        "invalid_login": _("Enter a correct email address and password"),
        "account_inactive": _("This account has been switched off"),
        "too_many_login_attempts": _(
            "You have tried to sign in too many times. Wait 5 minutes and try again"
        ),
        "unknown_email": _("There is no account with this email address"),
        "rate_limited": _("You have tried this too many times. Wait a few minutes and try again"),
        "enter_current_password": _("Enter your current password"),
    }

    def get_client_ip(self, request) -> str:
        """The client's address behind Borough's trusted proxies (BOROUGH_TRUSTED_PROXIES),
        the same one Borough's own rate limits and django-axes count by."""
        address = client_address(request)
        if not address:
            raise PermissionDenied("Unable to determine client IP address")
        return address

    def validation_error(self, code: str, *args) -> ValidationError:
        """allauth's form errors; a rate-limit refusal is also written as a security event."""
        if code in RATE_LIMIT_ERRORS and context.request is not None:
            security_event_record(context.request, Kind.SIGN_IN_RATE_LIMITED, detail=code)
        return super().validation_error(code, *args)

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return on_site(super().get_email_confirmation_url(request, emailconfirmation))

    def get_reset_password_from_key_url(self, key: str) -> str:
        return on_site(super().get_reset_password_from_key_url(key))

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        super().send_mail(
            template_prefix,
            email,
            {
                **{key: _links_on_site(value) for key, value in context.items()},
                "council_name": settings.COUNCIL_NAME,
                "site_url": settings.SITE_URL,
            },
        )

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """Someone who signed in in the last few minutes need not prove it is them again.

        allauth asks for the password again before changes to two-factor authentication
        unless the person *re*-authenticated recently; signing in is as good, and it saves
        staff a third step when they set up their authenticator app on first sign-in.
        """
        request = context.request
        user = getattr(request, "user", None)
        if request is not None and user is not None and user.is_authenticated:
            records = get_authentication_records(request, user)
            timeout = account_settings.REAUTHENTICATION_TIMEOUT
            if records and time.time() - records[-1]["at"] < timeout:
                return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def add_message(self, request, level, message_template=None, message_context=None, **kwargs):
        """Confirming an email address signs the resident in too: one banner says so ("Your
        email address is confirmed"), not a second "You are signed in" under it."""
        if message_template == CONFIRMED_MESSAGE:
            request._borough_email_confirmed = True
        elif message_template == SIGNED_IN_MESSAGE and getattr(
            request, "_borough_email_confirmed", False
        ):
            return
        super().add_message(request, level, message_template, message_context, **kwargs)

    def get_login_redirect_url(self, request) -> str:
        if can_use_hub(request.user):
            return reverse("hub:cases")
        return resident_home_url()

    def get_signup_redirect_url(self, request) -> str:
        return self.get_login_redirect_url(request)

    def get_logout_redirect_url(self, request) -> str:
        """The sign-in page, which says "You have signed out"."""
        return reverse("account_login")


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": _("The code is not right. Enter the code your authenticator app shows"),
        "cannot_delete_authenticator": _(
            "Council staff must keep an authenticator app to sign in to the Resident Hub"
        ),
    }

    def encrypt(self, text: str) -> str:
        """The seeds of authenticator apps and recovery codes are kept encrypted (ADR 0028)."""
        return encryption.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return encryption.decrypt(encrypted_text)

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Staff may not switch off the authenticator app the hub requires (ADR 0009)."""
        if authenticator.user.is_council_staff and authenticator.type == Authenticator.Type.TOTP:
            return False
        return super().can_delete_authenticator(authenticator)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Accounts made through GOV.UK One Login (OpenID Connect) are residents' accounts."""

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return True

    def pre_social_login(self, request, sociallogin) -> None:
        """Staff accounts are not signed in to through a resident's identity provider, even
        with the same verified email address: staff use their password and authenticator."""
        if sociallogin.is_existing and sociallogin.user.is_council_staff:
            raise ImmediateHttpResponse(
                render(request, "socialaccount/authentication_error.html", status=403)
            )
