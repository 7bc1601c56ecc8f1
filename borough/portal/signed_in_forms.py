"""Forms only a signed-in resident may send (issue 19): their answers are their finances, and
the outcome and letter are shown in their account. Anyone may read the start page; pressing
*Start now* or *Accept and send* asks them to sign in first, and brings them back."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login

from borough.catalogue.catalogue_file import SIGN_IN_SERVICES


def sign_in_to_send(view):
    """Wrap a form page: a POST for a sign-in service by someone not signed in as a resident
    goes to the sign-in page, coming back to this page."""

    @wraps(view)
    def wrapped(request, slug: str, *args, **kwargs):
        user = request.user
        if (
            request.method == "POST"
            and slug in SIGN_IN_SERVICES
            and (not user.is_authenticated or user.is_council_staff)
        ):
            return redirect_to_login(request.path)
        return view(request, slug, *args, **kwargs)

    return wrapped
