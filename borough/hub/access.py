"""Hub access: only council staff who have used two-factor authentication in this session, and
only what their teams and roles allow."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from borough.accounts.mfa import StaffMFA, staff_mfa_state
from borough.accounts.policies import can_use_hub


def hub_access_redirect(request):
    """Where a signed-in member of staff must go before any hub page, or ``None``.

    No authenticator yet: set one up. One, but not used in this session: enter a code from it.
    """
    state = staff_mfa_state(request)
    if state is StaffMFA.DONE:
        return None
    if state is StaffMFA.SET_UP:
        return redirect(reverse("mfa_activate_totp"))
    query = urlencode({"next": request.get_full_path()})
    return redirect(f"{reverse('mfa_reauthenticate')}?{query}")


def staff_required(view):
    """Send people who are not signed in to the sign-in page; refuse residents with a 403;
    send staff who have not completed two-factor authentication to do so."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_use_hub(request.user):
            raise PermissionDenied
        response = hub_access_redirect(request)
        if response is not None:
            return response
        return view(request, *args, **kwargs)

    return wrapper
