"""How django-axes names the account being signed in to, for lockouts per account and address."""

from __future__ import annotations


def username_for_lockout(request, credentials: dict | None) -> str | None:
    """The email address being tried, lower-cased, from the credentials or the sign-in form."""
    credentials = credentials or {}
    value = credentials.get("username") or credentials.get("email")
    if not value and request is not None and hasattr(request, "POST"):
        value = request.POST.get("username") or request.POST.get("email")
    return value.strip().lower() if value else None
