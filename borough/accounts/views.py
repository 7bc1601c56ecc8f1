"""Account pages Borough adds to allauth's."""

from __future__ import annotations

from django.shortcuts import render


def too_many_attempts(request, exception=None):
    """allauth's rate limits refuse a request with this page (config.urls.handler429)."""
    return render(request, "account/too_many_attempts.html", status=429)
