"""Hub access: only council staff, and only what their teams and roles allow."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from borough.accounts.policies import can_use_hub


def staff_required(view):
    """Send people who are not signed in to the sign-in page; refuse residents with a 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_use_hub(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
