"""Tracking links: a resident who reported without signing in follows their request by a link.

The link carries the reference and a token signed with the site's secret key (Django's
``TimestampSigner``), so nothing extra is stored, a token for one request opens no other, and
links stop working ``BOROUGH_TRACKING_LINK_DAYS`` after they were given out.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.urls import reverse

_SALT = "borough.cases.tracking"


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=_SALT)


def case_tracking_token(case) -> str:
    """A token that opens this case's tracking page (the signature without the reference)."""
    return _signer().sign(case.reference)[len(case.reference) + 1 :]


def tracking_token_valid(reference: str, token: str) -> bool:
    """Is ``token`` a genuine, unexpired token for ``reference``?"""
    try:
        _signer().unsign(
            f"{reference}:{token}",
            max_age=dt.timedelta(days=settings.BOROUGH_TRACKING_LINK_DAYS),
        )
    except signing.BadSignature:  # SignatureExpired is a BadSignature too
        return False
    return True


def case_tracking_url(case) -> str:
    """The full tracking link for emails."""
    return settings.SITE_URL + _tracking_path(case)


def _tracking_path(case) -> str:
    return reverse("portal:track", args=[case.reference, case_tracking_token(case)])


def case_follow_path(case, *, user_id: int | None) -> str:
    """Where the person with this user id follows the case on the site (the portal's
    confirmation, the assistant's links): its MyAccount page when it is their own request,
    else its tracking link."""
    if user_id is not None and case.resident_id and case.resident.user_id == user_id:
        return reverse("portal:my_request", args=[case.reference])
    return _tracking_path(case)


def case_resident_url(case) -> str:
    """Where the resident follows the case: MyAccount if it is theirs there, else the link."""
    if case.resident_id and case.resident.user_id:
        return settings.SITE_URL + reverse("portal:my_request", args=[case.reference])
    return case_tracking_url(case)
