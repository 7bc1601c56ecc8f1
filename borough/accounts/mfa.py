"""Staff must use two-factor authentication (an authenticator app) to use the Resident Hub.

One check, used by the hub's access layer: a member of staff who is signed in but has no
authenticator is told to ask an administrator for a set-up link (or, having followed one in
this session, sent to set the app up: borough.accounts.enrolment); one who has an
authenticator but has not used it in this session (for example, they signed in with an
emailed code before MFA was required, or were signed in by an older session) is asked for a
code. allauth records how someone authenticated in their session; the check reads that record.
"""

from __future__ import annotations

import enum
import time

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from allauth.mfa.utils import decrypt
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from .enrolment import enrolment_allowed

# The keys allauth keeps its record under (allauth.account.internal.flows.login).
METHODS_KEY = "account_authentication_methods"
METHODS_USER_KEY = "account_authentication_methods_user"


class StaffMFA(enum.Enum):
    DONE = "done"  # used an authenticator in this session
    SET_UP = "set_up"  # has no authenticator yet
    VERIFY = "verify"  # has one, has not used it in this session


def mfa_used_in_session(request) -> bool:
    """Did the person signed in complete MFA in this session (at sign-in or since)?"""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def staff_mfa_state(request) -> StaffMFA:
    """Where the member of staff signed in stands with MFA. No query once MFA is done."""
    if mfa_used_in_session(request):
        return StaffMFA.DONE
    has_authenticator = Authenticator.objects.filter(
        user_id=request.user.pk, type=Authenticator.Type.TOTP
    ).exists()
    return StaffMFA.VERIFY if has_authenticator else StaffMFA.SET_UP


def staff_mfa_redirect(request):
    """Where a signed-in member of staff must go before a staff page, or ``None`` if nowhere.

    No authenticator yet: ask an administrator for a set-up link, or, with one followed in
    this session, set the app up. One, but not used in this session: enter a code from it
    (then come back to the page asked for).
    """
    state = staff_mfa_state(request)
    if state is StaffMFA.DONE:
        return None
    if state is StaffMFA.SET_UP:
        if enrolment_allowed(request):
            return redirect(reverse("mfa_activate_totp"))
        return redirect(reverse("account_mfa_enrolment_needed"))
    query = urlencode({"next": request.get_full_path()})
    return redirect(f"{reverse('mfa_reauthenticate')}?{query}")


def record_mfa_in_session(session, user, authenticator: Authenticator, **extra) -> None:
    """Write allauth's record that ``user`` completed MFA with ``authenticator`` in ``session``.

    Used when a member of staff sets up their authenticator app (entering a code from it proves
    they hold it) and by tests that sign staff in without the sign-in pages.
    """
    records = list(session.get(METHODS_KEY) or [])
    if session.get(METHODS_USER_KEY) != str(user.pk):
        records = []
    records.append(
        {"method": "mfa", "at": time.time(), "id": authenticator.pk, "type": authenticator.type}
        | extra
    )
    session[METHODS_KEY] = records
    session[METHODS_USER_KEY] = str(user.pk)


def authenticator_app_add(*, user, secret: str) -> Authenticator:
    """Give ``user`` an authenticator app (TOTP) with a known secret: for the demo borough and
    tests. People set up their own at /account/2fa/totp/activate/."""
    return TOTP.activate(user, secret).instance


def totp_code_now(secret: str) -> str:
    """The code an authenticator app with ``secret`` shows now, computed the way allauth
    checks it."""
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def totp_secret(authenticator: Authenticator) -> str:
    return decrypt(authenticator.data["secret"])
