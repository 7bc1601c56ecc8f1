"""Follow an area (issue 25): a resident picks a place (a postcode, or a pin on the map) and how
far around it, and gets an email or a text message when reports are made or updated there, with
no report of their own first. Signed in with their account's address it starts at once; any
other address, and every phone number, is confirmed by the link sent to it (``cases.alerts``).

Without JavaScript the postcode is the way to say where; the map (``map.mjs``) only fills the
form's hidden latitude and longitude, which win over a postcode when both are given.
"""

from __future__ import annotations

import math

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from borough.cases.alerts import AREA_RADII, alert_start, texts_available
from borough.cases.errors import TransitionRefused
from borough.cases.models import Alert
from borough.core.actors import ResidentActor
from borough.core.postcodes import normalise_postcode
from borough.core.ratelimit import rate_limited
from borough.places.selectors import example_postcode, properties_at_postcode, property_nearest
from borough.places.tiles import borough_centre

from .map_pages import map_settings

FIELDS = ("postcode", "latitude", "longitude", "radius", "channel", "email", "phone")


def _place(entered: dict[str, str]) -> tuple[float, float, str] | str:
    """Where to follow, as (latitude, longitude, in words), or the error to show."""
    lat: float | None
    lon: float | None
    try:
        lat, lon = float(entered["latitude"]), float(entered["longitude"])
    except ValueError:
        lat = lon = None
    if lat is not None and lon is not None and math.isfinite(lat) and math.isfinite(lon):
        near = property_nearest(lat, lon, within_metres=settings.BOROUGH_MAP_SNAP_METRES)
        if near is None:
            return _(
                "The pin is not near a street we look after. Move the pin, or enter a postcode"
            )
        return lat, lon, near.usrn.name
    if not entered["postcode"].strip():
        return _("Enter a postcode, or drop a pin on the map")
    postcode = normalise_postcode(entered["postcode"])
    found = properties_at_postcode(postcode) if postcode else []
    if not found:
        return _("We cannot find that postcode in our area. Enter a postcode like %(example)s") % {
            "example": example_postcode()
        }
    return (
        sum(float(p.latitude) for p in found) / len(found),
        sum(float(p.longitude) for p in found) / len(found),
        postcode or "",
    )


@require_http_methods(["GET", "POST"])
@rate_limited("submit", methods=("POST",))
def follow_area(request):
    """Choose a place and a distance around it, and how to hear about reports there."""
    entered = dict.fromkeys(FIELDS, "")
    entered["email"] = request.user.email if request.user.is_authenticated else ""
    entered["channel"] = Alert.Channel.EMAIL
    errors: dict[str, str] = {}
    if request.method == "POST":
        entered = {key: request.POST.get(key, "").strip()[:254] for key in FIELDS}
        place = _place(entered)
        if isinstance(place, str):
            errors["postcode"] = place
        radius = int(entered["radius"]) if entered["radius"].isdigit() else None
        if radius not in AREA_RADII:
            errors["radius"] = _("Choose how far around the place to follow")
        if not errors:
            assert not isinstance(place, str)
            lat, lon, where = place
            try:
                alert = alert_start(
                    actor=ResidentActor(
                        user=request.user if request.user.is_authenticated else None
                    ),
                    kind=Alert.Kind.AREA,
                    email=entered["email"],
                    channel=entered["channel"] or Alert.Channel.EMAIL,
                    phone=entered["phone"],
                    latitude=lat,
                    longitude=lon,
                    radius_metres=radius,
                )
            except TransitionRefused as refused:
                errors[refused.field or "email"] = str(refused)
            else:
                return render(
                    request,
                    "portal/alert_started.html",
                    {
                        "report": None,
                        "alert": alert,
                        "where": where,
                        "confirmed": alert.confirmed_at is not None,
                    },
                )
    centre = borough_centre()
    config = {**map_settings(), "centre": centre, "zoom": 15} if centre else None
    return render(
        request,
        "portal/follow_area.html",
        {
            "entered": entered,
            "errors": errors,
            "form_has_errors": bool(errors),
            "radii": AREA_RADII,
            "example_postcode": example_postcode(),
            "texts_available": texts_available(),
            "map_config": config,
        },
        status=400 if errors else 200,
    )
