"""Account pages Borough adds to allauth's."""

from __future__ import annotations

from django.shortcuts import render

from borough.core.security_events import Kind, security_event_mark


def too_many_attempts(request, exception=None):
    """allauth's rate limits refuse a request with this page (config.urls.handler429)."""
    security_event_mark(request, Kind.SIGN_IN_RATE_LIMITED)
    return render(request, "account/too_many_attempts.html", status=429)
