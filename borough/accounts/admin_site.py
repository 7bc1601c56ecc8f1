"""The Django admin follows the hub's rule: sign in on the account pages, with MFA.

``admin_site_secure(site)`` is called once from config.urls.
"""

from __future__ import annotations

from functools import wraps

from allauth.account.decorators import secure_admin_login

from .mfa import mfa_used_in_session, staff_mfa_redirect


def admin_site_secure(site) -> None:
    """Send admin sign-ins to /account/login/ and admins who have not used their
    authenticator app in this session to set it up or enter a code."""
    has_permission = site.has_permission

    def has_permission_with_mfa(request) -> bool:
        return has_permission(request) and mfa_used_in_session(request)

    login = secure_admin_login(site.login)

    @wraps(site.login)
    def login_with_mfa(request, extra_context=None):
        if request.user.is_authenticated and request.user.is_staff:
            response = staff_mfa_redirect(request)
            if response is not None:
                return response
        return login(request, extra_context)

    site.has_permission = has_permission_with_mfa
    site.login = login_with_mfa
