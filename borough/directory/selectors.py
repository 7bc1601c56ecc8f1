"""Reading the published directory: search by need, words and postcode; one service."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet

from borough.places.selectors import properties_at_postcode

from .models import Location, Organisation, Proposal, Service, TaxonomyTerm

LISTED = [Service.Status.ACTIVE, Service.Status.TEMPORARILY_CLOSED]


def published_services() -> QuerySet[Service]:
    """Services residents and the API see: approved (every Service row is), not closed."""
    return (
        Service.objects.filter(status__in=LISTED)
        .select_related("organisation")
        .prefetch_related(
            "taxonomy_terms",
            "schedules",
            "cost_options",
            Prefetch("locations", queryset=Location.objects.order_by("name")),
        )
        .order_by("name")
    )


def service_get(pk) -> Service | None:
    try:
        return published_services().filter(pk=pk).first()
    except (ValueError, TypeError, ValidationError):
        return None


def terms() -> QuerySet[TaxonomyTerm]:
    return TaxonomyTerm.objects.order_by("name")


def term_get(code: str) -> TaxonomyTerm | None:
    return TaxonomyTerm.objects.filter(code=code).first()


def postcode_point(postcode: str) -> tuple[float, float] | None:
    """The middle of a postcode's addresses in the council's gazetteer, or None if unknown."""
    found = properties_at_postcode(postcode)
    if not found:
        return None
    return (
        sum(float(p.latitude) for p in found) / len(found),
        sum(float(p.longitude) for p in found) / len(found),
    )


def miles_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lat2 = math.radians(a[0]), math.radians(b[0])
    dlat, dlon = lat2 - lat1, math.radians(b[1] - a[1])
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 3958.8 * 2 * math.asin(math.sqrt(h))


@dataclass
class Found:
    service: Service
    #: The nearest of its places to the resident's postcode, and how far in miles.
    location: Location | None = None
    miles: float | None = None


def search(
    *, words: str = "", need: str = "", near: tuple[float, float] | None = None
) -> list[Found]:
    """Published services meeting ``need`` (a term's code) whose name, description,
    organisation or needs contain any of ``words``; nearest first when ``near`` is given
    (services with no place, like helplines, after those with one)."""
    services = published_services()
    if need:
        services = services.filter(taxonomy_terms__code=need)
    wanted = [w for w in words.lower().replace(",", " ").split() if len(w) > 2][:8]
    if wanted:
        services = services.filter(reduce(or_, (_matches(w) for w in wanted))).distinct()
    found = [Found(service) for service in services]
    if near is None:
        return found
    for item in found:
        places = list(item.service.locations.all())
        if places:
            item.location = min(places, key=lambda p: _miles(near, p))
            item.miles = round(_miles(near, item.location), 1)
    return sorted(found, key=lambda f: (f.miles is None, f.miles or 0, f.service.name))


def _miles(near: tuple[float, float], place: Location) -> float:
    return miles_between(near, (float(place.latitude), float(place.longitude)))


def _matches(word: str) -> Q:
    return (
        Q(name__icontains=word)
        | Q(description__icontains=word)
        | Q(organisation__name__icontains=word)
        | Q(taxonomy_terms__name__icontains=word)
        | Q(taxonomy_terms__keywords__icontains=word)
    )


def organisations_of(user) -> QuerySet[Organisation]:
    """The listings ``user`` may propose changes to: those of the organisation accounts they
    are a member of, and those they represent."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return (
        Organisation.objects.filter(Q(representatives=user) | Q(account__members__user=user))
        .distinct()
        .order_by("name")
    )


def proposals_of(organisation: Organisation) -> QuerySet[Proposal]:
    return organisation.proposals.order_by("-created_at")


def proposals_pending() -> QuerySet[Proposal]:
    return Proposal.objects.filter(status=Proposal.Status.PENDING).select_related(
        "organisation", "service"
    )


COMMON_WORDS = {"the", "and", "for", "with", "my", "our", "some", "any", "help", "get", "find"}


def help_for(topic: str, *, limit: int = 3) -> list[Service]:
    """Published services for a resident's topic ("debt", "food bank"): those of the needs
    whose name or keywords hold one of its words, else those named with one; nearest to the
    words, not to a place. Used by the assistant's "where can I get help with ..." answer."""
    words = [
        w for w in re.findall(r"[a-z]+", topic.lower()) if len(w) > 2 and w not in COMMON_WORDS
    ][:6]
    if not words:
        return []
    needs = TaxonomyTerm.objects.filter(
        reduce(or_, (Q(name__icontains=w) | Q(keywords__icontains=w) for w in words))
    )
    found = published_services().filter(taxonomy_terms__in=needs).distinct()
    if not found.exists():
        found = published_services().filter(reduce(or_, (Q(name__icontains=w) for w in words)))
    return list(found[:limit])
