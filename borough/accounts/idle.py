"""Staff are signed out after ``BOROUGH_STAFF_IDLE_MINUTES`` without a request (OWASP ASVS
3.3.2). Residents keep the normal session (``SESSION_COOKIE_AGE``).

The time of a member of staff's last request is kept in their session (rewritten at most once a
minute, so a busy page does not write the session on every request). A request after the idle
time signs them out first and sends them to the sign-in page, which then brings them back to
where they were: nothing the stale request asked for is done.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login

SEEN_KEY = "borough_staff_seen"
_REWRITE_AFTER = 60


def _is_staff(user) -> bool:
    return bool(user.is_authenticated and (user.is_council_staff or user.is_staff))


class StaffIdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and _is_staff(user):
            now = time.time()
            seen = request.session.get(SEEN_KEY)
            if seen is not None and now - seen > settings.BOROUGH_STAFF_IDLE_MINUTES * 60:
                logout(request)
                messages.info(
                    request,
                    f"You were signed out after {settings.BOROUGH_STAFF_IDLE_MINUTES} minutes "
                    "without using the Resident Hub. Sign in again to carry on.",
                )
                next_url = request.get_full_path() if request.method == "GET" else "/hub/"
                return redirect_to_login(next_url)
            if seen is None or now - seen > _REWRITE_AFTER:
                request.session[SEEN_KEY] = now
        return self.get_response(request)
