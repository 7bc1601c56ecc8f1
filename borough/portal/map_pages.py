"""Reporting on a map (issue 25): the pin step of a location question, reports nearby, the
offline map tiles.

The map is an enhancement: ``map.mjs`` (Leaflet, self-hosted) draws it on the postcode page of a
location question and posts the pin (``step=pin``) in an ordinary form. The pin is snapped to the
street of the nearest property in the gazetteer (its USRN), whose postcode is recorded as if the
resident had typed it, so the next page is the same one the postcode route gives: the street is
chosen for them and the pin's point goes with the answer. Without JavaScript the postcode route is
all there is, and it reaches the same page. Either way, open reports of the same service near the
place are listed there before the resident describes the problem.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control

from borough.cases.public import open_reports_near
from borough.catalogue.definitions import Question
from borough.catalogue.journey import FormJourney
from borough.catalogue.models import Service
from borough.places.selectors import property_nearest
from borough.places.tiles import blank_tile, borough_centre

PINS_KEY = "borough_pins"


def map_settings() -> dict:
    """What ``map.mjs`` needs: the tile URL template, attribution and zoom levels."""
    tiles = settings.BOROUGH_MAP_TILE_URL or (
        reverse("portal:map_tile", args=[0, 0, 0]).replace("0/0/0.png", "{z}/{x}/{y}.png")
    )
    return {
        "tiles": tiles,
        "attribution": settings.BOROUGH_MAP_ATTRIBUTION,
        "max_zoom": settings.BOROUGH_MAP_MAX_ZOOM,
        "max_native_zoom": settings.BOROUGH_MAP_MAX_ZOOM if settings.BOROUGH_MAP_TILE_URL else 16,
    }


def _pins(request) -> dict:
    return request.session.get(PINS_KEY, {})


def pin_for(request, service: Service, question_id: str) -> dict | None:
    return _pins(request).get(f"{service.slug}:{question_id}")


def pin_forget(request, service: Service, question_id: str) -> None:
    pins = _pins(request)
    if pins.pop(f"{service.slug}:{question_id}", None) is not None:
        request.session[PINS_KEY] = pins


def pin_post(request, service: Service, journey: FormJourney, question: Question) -> str | None:
    """Record a dropped pin: snap it to the nearest street, keep that place's postcode as the
    question's postcode. The error to show on the postcode page, or None."""
    try:
        lat = float(request.POST.get("latitude", ""))
        lon = float(request.POST.get("longitude", ""))
    except ValueError:
        return _("Drop a pin on the map, or enter a postcode")
    prop = property_nearest(lat, lon, within_metres=settings.BOROUGH_MAP_SNAP_METRES)
    if prop is None:
        return _("The pin is not near a street we look after. Move the pin, or enter a postcode")
    journey.record_postcode(question, prop.postcode)
    pins = _pins(request)
    pins[f"{service.slug}:{question.id}"] = {
        "latitude": round(lat, 6),
        "longitude": round(lon, 6),
        "usrn": prop.usrn_id,
        "street": prop.usrn.name,
    }
    request.session[PINS_KEY] = pins
    # The street is chosen for the resident; they may still choose another or an address.
    journey.answers.pop(question.id, None)
    return None


def postcode_page_map(service: Service) -> dict:
    """The map on the postcode page of a location question."""
    centre = borough_centre()
    return {"map": {**map_settings(), "centre": centre, "zoom": 15}} if centre else {}


def location_page_extras(request, service: Service, question: Question, context: dict) -> dict:
    """On the page that chooses the place: the pin (the street chosen, its point kept with the
    answer), open reports of this service near the place, and the map showing them."""
    pin = pin_for(request, service, question.id)
    if pin is not None and not any(
        c == f"usrn:{pin['usrn']}" for c, _l in context.get("street_choices", [])
    ):
        pin = None  # the resident changed the postcode since: the pin is not here
    properties = context.get("properties") or []
    if pin is not None:
        centre = (pin["latitude"], pin["longitude"])
    elif properties:
        centre = (
            sum(float(p.latitude) for p in properties) / len(properties),
            sum(float(p.longitude) for p in properties) / len(properties),
        )
    else:
        return {}
    nearby = open_reports_near(service=service, latitude=centre[0], longitude=centre[1])
    extras: dict = {"nearby": nearby, "pin": pin}
    if pin is not None and not context["value"].get("choice"):
        context["value"] = {**context["value"], "choice": f"usrn:{pin['usrn']}"}
    markers = [
        {
            "lat": report.latitude,
            "lon": report.longitude,
            "label": f"{report.reference}: {report.service_name}, {report.street}",
            "url": reverse("portal:report", args=[report.reference]),
        }
        for report in nearby
        if report.latitude is not None
    ]
    extras["map"] = {
        **map_settings(),
        "centre": centre,
        "zoom": 17,
        "pin": [pin["latitude"], pin["longitude"]] if pin else None,
        "markers": markers,
    }
    return extras


@cache_control(public=True, max_age=86_400)
def map_tile(request, z: int, x: int, y: int):
    """One of the borough's own offline tiles (``places.tiles``); the blank tile where nothing
    is drawn."""
    folder = Path(settings.BOROUGH_MAP_TILE_DIR)
    if z > 18:
        raise Http404("No such zoom level")
    path = folder / str(z) / str(x) / f"{y}.png"
    if not path.is_file():
        # Nothing drawn here (or no tiles drawn yet: ``manage.py map_tiles``): plain land.
        return HttpResponse(blank_tile(), content_type="image/png")
    return FileResponse(path.open("rb"), content_type="image/png")
