"""Reports anyone may see: open reports near a point, a report's public page, and "this is my
problem too" (issue 25).

Only reports of services that are not private (``catalogue.Service.is_private``: a street or a
park, never a home) are public, and only what Borough wrote about them: the service, the street,
when it was reported, its status and the headlines of its public updates. Nothing the resident
wrote (the description, the words about where it is, added information), no property address,
no name, no update text (which may quote the resident or come from outside), the rules of
"API clients, public feeds and text from outside" in ``docs/architecture.md``. The point is
rounded to about 10 metres.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.utils import timezone

from borough.accounts.public_policies import may_support_case
from borough.core.actors import Actor, ResidentActor, acting_user

from .errors import refuse_unless
from .models import OPEN_STATUSES, Case, CaseEvent, Supporter
from .nearby import EARTH_RADIUS_METRES, haversine_metres
from .signals import announce_on_commit

# Events a public page shows: the headline only (``CaseEvent.headline``), never the text.
PUBLIC_KINDS = (
    CaseEvent.Kind.CREATED,
    CaseEvent.Kind.STATUS_CHANGED,
    CaseEvent.Kind.PUBLIC_UPDATE,
    CaseEvent.Kind.MARKED_DUPLICATE,
)


@dataclass(frozen=True)
class PublicReport:
    """What anyone may see of a report."""

    reference: str
    service_name: str
    service_slug: str
    street: str
    reported_on: object  # a date
    status: str
    is_open: bool
    latitude: float | None
    longitude: float | None
    supporters: int
    distance_metres: float | None = None

    @classmethod
    def of(cls, case: Case, *, supporters: int, distance: float | None = None) -> PublicReport:
        street = case.street or (case.property.usrn if case.property is not None else None)
        return cls(
            reference=case.reference,
            service_name=case.service.name,
            service_slug=case.service.slug,
            street=str(street) if street else "",
            reported_on=timezone.localdate(case.created_at),
            status=case.public_state_label,
            is_open=case.is_open,
            latitude=round(float(case.latitude), 4) if case.latitude is not None else None,
            longitude=round(float(case.longitude), 4) if case.longitude is not None else None,
            supporters=supporters,
            distance_metres=distance,
        )


def _public_cases() -> QuerySet[Case]:
    return Case.objects.filter(service__is_private=False, duplicate_of__isnull=True)


def open_reports_near(
    *, service, latitude: float, longitude: float, radius_metres: int | None = None, limit=10
) -> list[PublicReport]:
    """Open public reports of ``service`` within ``radius_metres`` of a point, nearest first.

    A bounding box on the indexed coordinates narrows the rows in SQL (any database), the exact
    distance is worked out here. Two queries: the cases, and their supporter counts.
    """
    radius = radius_metres or settings.BOROUGH_NEARBY_RADIUS_METRES
    d_lat = math.degrees(radius / EARTH_RADIUS_METRES)
    d_lon = d_lat / max(math.cos(math.radians(latitude)), 0.01)
    rows = list(
        _public_cases()
        .filter(
            service=service,
            status__in=OPEN_STATUSES,
            latitude__gte=latitude - d_lat,
            latitude__lte=latitude + d_lat,
            longitude__gte=longitude - d_lon,
            longitude__lte=longitude + d_lon,
        )
        .select_related("service", "street", "property__usrn")
        .order_by("-created_at")[:200]
    )
    found = []
    for row in rows:
        assert row.latitude is not None and row.longitude is not None  # filtered on above
        distance = haversine_metres(latitude, longitude, float(row.latitude), float(row.longitude))
        if distance <= radius:
            found.append((distance, row))
    found.sort(key=lambda item: (item[0], item[1].created_at))
    found = found[:limit]
    counts = _supporter_counts([row.pk for _, row in found])
    return [
        PublicReport.of(row, supporters=counts.get(row.pk, 0), distance=distance)
        for distance, row in found
    ]


def _supporter_counts(case_ids: list[int]) -> dict[int, int]:
    if not case_ids:
        return {}
    return dict(
        Supporter.objects.filter(case_id__in=case_ids)
        .values_list("case_id")
        .annotate(n=Count("id"))
        .values_list("case_id", "n")
    )


def public_case(reference: str) -> Case | None:
    """A public report by reference; None for a private service's case or no such case, so a
    page cannot tell one from the other."""
    return (
        _public_cases()
        .select_related("service", "street", "property__usrn")
        .filter(reference=reference.strip().upper())
        .first()
    )


def public_report(case: Case) -> PublicReport:
    return PublicReport.of(case, supporters=case.supporters.count())


def public_updates(case: Case) -> list[tuple[object, str]]:
    """The report's public updates as (when, Borough's headline), oldest first: never their
    text, and nothing the resident sent."""
    events = (
        case.events.filter(is_public=True, kind__in=PUBLIC_KINDS)
        .exclude(data__has_key="from_resident")
        .order_by("at", "id")
    )
    return [(event.at, event.headline) for event in events]


def supporter_key(*, user=None, session_key: str = "") -> str:
    """Who supports a report, once per case: the account, or a hash of the browser session."""
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{session_key}".encode()).hexdigest()
    return f"browser:{digest[:40]}"


def case_support(*, case: Case, actor: Actor, key: str) -> bool:
    """Add a resident to an open public report as a supporter ("this is my problem too")
    instead of a duplicate. One internal timeline event, for staff; no version bump (staff
    working the case are not interrupted). Returns False if ``key`` supported it already."""
    refuse_unless(may_support_case(actor, case))
    user = acting_user(actor) if isinstance(actor, ResidentActor) else None
    now = timezone.now()
    try:
        with transaction.atomic():
            Supporter.objects.create(case=case, key=key, user=user, created_at=now)
            event = CaseEvent.objects.create(
                case=case,
                at=now,
                kind=CaseEvent.Kind.SUPPORTED,
                actor=user,
                is_public=False,
                data={"supporters": case.supporters.count()},
            )
            announce_on_commit(event)
    except IntegrityError:
        return False
    return True
