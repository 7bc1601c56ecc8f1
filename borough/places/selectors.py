"""Address search: by postcode and by free text."""

from __future__ import annotations

import math
from functools import reduce
from operator import and_

from django.db.models import Q, QuerySet

from borough.core.postcodes import normalise_postcode, postcode_key

from .models import Property, Street, Ward


def _natural_key(prop: Property) -> tuple:
    """Sort 2 before 10 and Flat 2 before Flat 10, as people expect in an address list."""

    def split(text: str) -> tuple:
        digits = "".join(ch for ch in text if ch.isdigit())
        return (int(digits) if digits else 10**9, text)

    return (prop.usrn.name, split(prop.pao), split(prop.sao))


def properties_at_postcode(postcode: str) -> list[Property]:
    """Current properties at a postcode, in address order. Empty if the postcode is unknown."""
    normalised = normalise_postcode(postcode)
    if not normalised:
        return []
    found = Property.objects.filter(postcode_key=postcode_key(normalised), is_current=True)
    return sorted(found.select_related("usrn", "ward"), key=_natural_key)


FALLBACK_EXAMPLE_POSTCODE = "UB8 1QA"


def example_postcode() -> str:
    """A postcode with addresses in this council's gazetteer, for a hint's "For example"
    (a made-up example that finds nothing sends a resident trying it to a dead end)."""
    found = (
        Property.objects.filter(is_current=True)
        .exclude(postcode="")
        .order_by("postcode_key")
        .values_list("postcode", flat=True)
        .first()
    )
    return found or FALLBACK_EXAMPLE_POSTCODE


def streets_at_postcode(postcode: str) -> list[Street]:
    normalised = normalise_postcode(postcode)
    if not normalised:
        return []
    return list(
        Street.objects.filter(properties__postcode_key=postcode_key(normalised))
        .distinct()
        .order_by("name")
    )


def property_search(text: str, *, limit: int = 20) -> QuerySet[Property]:
    """Properties whose address contains every word of ``text`` (any order, any case)."""
    words = [word for word in text.lower().replace(",", " ").split() if word][:8]
    if not words:
        return Property.objects.none()
    condition = reduce(and_, (Q(search_text__contains=word) for word in words))
    return (
        Property.objects.filter(condition, is_current=True)
        .select_related("usrn", "ward")
        .order_by("postcode_key", "usrn__name", "pao", "sao")[:limit]
    )


def property_get(uprn: int | str) -> Property | None:
    try:
        return Property.objects.select_related("usrn", "ward").get(uprn=int(uprn))
    except (Property.DoesNotExist, ValueError, TypeError):
        return None


def street_get(usrn: int | str) -> Street | None:
    try:
        return Street.objects.get(usrn=int(usrn))
    except (Street.DoesNotExist, ValueError, TypeError):
        return None


class Gazetteer:
    """What the catalogue's form engine needs to know about places (see catalogue.answers)."""

    def property_exists(self, uprn: int) -> bool:
        return Property.objects.filter(uprn=uprn, is_current=True).exists()

    def street_exists(self, usrn: int) -> bool:
        return Street.objects.filter(usrn=usrn).exists()

    def describe_property(self, uprn: int) -> str:
        prop = property_get(uprn)
        return prop.single_line if prop else f"UPRN {uprn}"

    def describe_street(self, usrn: int) -> str:
        street = street_get(usrn)
        return str(street) if street else f"USRN {usrn}"


def ward_list() -> QuerySet[Ward]:
    return Ward.objects.order_by("name")


def property_nearest(latitude: float, longitude: float, *, within_metres: int) -> Property | None:
    """The current property nearest a point, if one is within ``within_metres``.

    A bounding box in SQL (indexable on any database), then the exact distance in Python.
    """
    dlat = within_metres / 111_320
    dlon = within_metres / (111_320 * max(math.cos(math.radians(latitude)), 0.01))
    candidates = Property.objects.filter(
        is_current=True,
        latitude__range=(latitude - dlat, latitude + dlat),
        longitude__range=(longitude - dlon, longitude + dlon),
    ).select_related("usrn")[:500]

    def metres(prop: Property) -> float:
        lat1, lat2 = math.radians(latitude), math.radians(float(prop.latitude))
        dphi = lat2 - lat1
        dlmb = math.radians(float(prop.longitude) - longitude)
        a = math.sin(dphi / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlmb / 2) ** 2
        return 6_371_000 * 2 * math.asin(math.sqrt(a))

    best = min(candidates, key=metres, default=None)
    return best if best is not None and metres(best) <= within_metres else None
