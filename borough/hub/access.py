"""Hub access: only council staff who have used two-factor authentication in this session, and
only what their teams and roles allow."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from borough.accounts.mfa import staff_mfa_redirect
from borough.accounts.policies import can_use_hub


def staff_required(view):
    """Send people who are not signed in to the sign-in page; refuse residents with a 403;
    send staff who have not completed two-factor authentication to do so
    (``borough.accounts.mfa``: no authenticator yet, set one up; not used in this session,
    enter a code)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_use_hub(request.user):
            raise PermissionDenied
        response = staff_mfa_redirect(request)
        if response is not None:
            return response
        return view(request, *args, **kwargs)

    return wrapper
