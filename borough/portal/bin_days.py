"""Bin collection days: find an address by postcode, see its coming collections, and download
them as a calendar. No cookies and no session: nothing here changes anything."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from borough.catalogue.journey import postcode_check
from borough.catalogue.selectors import service_get
from borough.places.collections import collections_by_day, collections_coming, icalendar
from borough.places.selectors import example_postcode, properties_at_postcode, property_get

COLLECTION_DAYS_SHOWN = 28
CALENDAR_DAYS = 366


def bin_days(request):
    """Find an address by postcode to see its bin collection days. No cookies, no session."""
    entered = request.GET.get("postcode", "")
    error, postcode = postcode_check(entered) if "postcode" in request.GET else (None, None)
    return render(
        request,
        "portal/bin_days.html",
        {
            "entered": entered,
            "postcode": postcode,
            "properties": properties_at_postcode(postcode) if postcode else [],
            "errors": {"postcode": error} if error else {},
            "form_has_errors": bool(error),
            "example_postcode": example_postcode(),
        },
    )


def _property_or_404(uprn: int):
    prop = property_get(uprn)
    if prop is None or not prop.is_current:
        raise Http404("No such address")
    return prop


def bin_days_at(request, uprn: int):
    """The next four weeks of collections at one address."""
    prop = _property_or_404(uprn)
    today = timezone.localdate()
    upcoming = collections_coming(prop, start=today, days=COLLECTION_DAYS_SHOWN)
    related = [service_get(slug) for slug in ("report-missed-bin", "request-new-bin")]
    return render(
        request,
        "portal/bin_days_at.html",
        {
            "property": prop,
            "days": collections_by_day(upcoming),
            "today": today,
            "related": [service for service in related if service],
            "webcal_url": webcal_url(prop.uprn),
        },
    )


def webcal_url(uprn: int) -> str:
    """The calendar's address for subscribing (``webcal://``): calendar apps fetch it again
    on their own, so a changed round reaches the resident's calendar (issue 25)."""
    path = reverse("portal:bin_days_calendar", args=[uprn])
    _scheme, _sep, rest = settings.SITE_URL.partition("://")
    return f"webcal://{rest.rstrip('/')}{path}"


def bin_days_calendar(request, uprn: int):
    """A year of collections at one address as an iCalendar file."""
    prop = _property_or_404(uprn)
    upcoming = collections_coming(prop, start=timezone.localdate(), days=CALENDAR_DAYS)
    if not upcoming:
        raise Http404("No collections at this address")
    response = HttpResponse(
        icalendar(prop, upcoming, council=settings.COUNCIL_NAME),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="bin-collections-{prop.uprn}.ics"'
    return response
