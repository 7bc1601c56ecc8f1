"""A fresh sign-in before sensitive staff actions (OWASP ASVS 4.3.3 / 3.7.1).

Creating or switching off API keys, managing webhooks and connectors, changing people's roles
and teams, and downloading single view data need the person to have signed in, or entered their
password again, in the last ``ACCOUNT_REAUTHENTICATION_TIMEOUT`` seconds. Otherwise allauth
keeps the request aside, asks for the password (or an authenticator code) at
``/account/reauthenticate/``, and only then carries the request out: nothing is done before.
"""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required


def fresh_sign_in_required(view):
    """Changes (anything but GET) need a fresh sign-in; looking does not."""
    return reauthentication_required(view, allow_get=True)


def _downloading(request) -> bool:
    return bool(request.GET.get("download"))


def fresh_sign_in_to_download(view):
    """``?download=...`` (a data export) needs a fresh sign-in; the page itself does not."""
    return reauthentication_required(view, enabled=_downloading)
