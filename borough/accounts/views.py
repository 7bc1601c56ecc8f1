"""Account pages Borough adds to allauth's: the too-many-attempts page, and setting up a staff
authenticator app through an administrator's link (borough.accounts.enrolment)."""

from __future__ import annotations

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.views import activate_totp as allauth_activate_totp
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from borough.core.security_events import Kind, security_event_mark

from .enrolment import SESSION_KEY, EnrolmentRefused, enrolment_allowed, link_check

REFUSAL_STATUS = {
    EnrolmentRefused.Reason.UNKNOWN: 404,
    EnrolmentRefused.Reason.USED: 410,
    EnrolmentRefused.Reason.EXPIRED: 410,
    EnrolmentRefused.Reason.WRONG_ACCOUNT: 403,
    EnrolmentRefused.Reason.ALREADY_SET_UP: 409,
}


def too_many_attempts(request, exception=None):
    """allauth's rate limits refuse a request with this page (config.urls.handler429)."""
    security_event_mark(request, Kind.SIGN_IN_RATE_LIMITED)
    return render(request, "account/too_many_attempts.html", status=429)


def _needs_link(request) -> bool:
    user = request.user
    return (
        user.is_authenticated
        and user.is_council_staff
        and not Authenticator.objects.filter(user_id=user.pk, type="totp").exists()
        and not enrolment_allowed(request)
    )


def activate_totp(request, *args, **kwargs):
    """allauth's page to set up an authenticator app, closed to staff who have not followed an
    administrator's set-up link in this session (residents set up their own as before)."""
    if _needs_link(request):
        return render(request, "account/mfa_enrolment_needed.html", status=403)
    return allauth_activate_totp(request, *args, **kwargs)


@login_required
def mfa_enrolment_needed(request):
    """Where staff without an authenticator app are sent: ask an administrator for a link."""
    return render(request, "account/mfa_enrolment_needed.html")


def mfa_enrolment(request, token: str):
    """The link in the administrator's email. Needs the member of staff signed in with their
    password in this session (not only an emailed code: the link came by email too)."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?{urlencode({'next': request.path})}")
    records = get_authentication_records(request, request.user)
    if not any(record.get("method") == "password" for record in records):
        query = urlencode({"next": request.path})
        return redirect(f"{reverse('account_reauthenticate')}?{query}")
    try:
        link = link_check(token=token, user=request.user)
    except EnrolmentRefused as refused:
        return render(
            request,
            "account/mfa_enrolment_refused.html",
            {"reason": refused.reason.value},
            status=REFUSAL_STATUS[refused.reason],
        )
    request.session[SESSION_KEY] = link.pk
    return redirect("mfa_activate_totp")
