"""The hub's old sign-in address."""

from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse


def sign_in(request):
    """The hub's old sign-in address: staff sign in on the account pages, like everyone."""
    query = request.META.get("QUERY_STRING", "")
    return redirect(reverse("account_login") + (f"?{query}" if query else ""))
