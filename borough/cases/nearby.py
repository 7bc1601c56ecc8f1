"""Cases that may be the same request as another: same service, close by, recent. The case page
suggests them so staff can close one as a duplicate (``relations.case_mark_duplicate``)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from .models import OPEN_STATUSES, Case

EARTH_RADIUS_METRES = 6_371_008.8


def haversine_metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance between two points, in metres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_METRES * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class DuplicateSuggestion:
    case: Case
    distance_metres: float


def duplicate_suggestions(
    case: Case, *, radius_metres: int | None = None, days: int | None = None, limit: int = 10
) -> list[DuplicateSuggestion]:
    """Cases that may be the same request as ``case``, nearest first.

    Same service; open, or closed within the window; created within the window; within the
    radius of the case's location. A bounding box narrows the rows in SQL (any database) and
    the exact distance is worked out here. Cases already closed as duplicates are left out
    (their original is suggested instead), and so is ``case`` itself. One query.
    """
    if case.latitude is None or case.longitude is None:
        return []
    radius = (
        radius_metres if radius_metres is not None else settings.BOROUGH_DUPLICATE_RADIUS_METRES
    )
    days = days if days is not None else settings.BOROUGH_DUPLICATE_WINDOW_DAYS
    lat, lon = float(case.latitude), float(case.longitude)
    d_lat = math.degrees(radius / EARTH_RADIUS_METRES)
    d_lon = d_lat / max(math.cos(math.radians(lat)), 0.01)
    since = timezone.now() - dt.timedelta(days=days)
    rows = (
        Case.objects.filter(
            service_id=case.service_id,
            created_at__gte=since,
            latitude__gte=lat - d_lat,
            latitude__lte=lat + d_lat,
            longitude__gte=lon - d_lon,
            longitude__lte=lon + d_lon,
            duplicate_of__isnull=True,
        )
        .filter(Q(status__in=OPEN_STATUSES) | Q(closed_at__gte=since))
        .exclude(pk=case.pk)
        .select_related("property__usrn", "street")
        .order_by("-created_at")[:200]
    )
    found = []
    for row in rows:
        assert row.latitude is not None and row.longitude is not None  # filtered on above
        distance = haversine_metres(lat, lon, float(row.latitude), float(row.longitude))
        if distance <= radius:
            found.append(DuplicateSuggestion(case=row, distance_metres=distance))
    found.sort(key=lambda item: (item.distance_metres, item.case.created_at))
    return found[:limit]
