"""Reading cases, with the query count in mind."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from .models import OPEN_STATUSES, Case
from .references import normalise_reference


@dataclass(frozen=True)
class CaseFilters:
    """What a work queue shows. Empty values mean "any"."""

    team_ids: frozenset[int] | None = None  # None: every team
    status: str = ""  # a Status value, or "open" for every open status
    service_id: int | None = None
    priority: int | None = None
    ward_id: int | None = None
    assignee: str = ""  # "", "me", "nobody", or a user id
    overdue: bool = False
    text: str = ""
    sort: str = "newest"  # "newest" or "due"


def case_list(filters: CaseFilters = CaseFilters(), *, user=None) -> QuerySet[Case]:
    """Cases for a work queue, with the related rows a queue row shows, in one query."""
    cases = Case.objects.select_related("service", "team", "property__usrn", "street", "assignee")
    if filters.team_ids is not None:
        cases = cases.filter(team_id__in=filters.team_ids)
    if filters.status == "open":
        cases = cases.filter(status__in=OPEN_STATUSES)
    elif filters.status:
        cases = cases.filter(status=filters.status)
    if filters.service_id:
        cases = cases.filter(service_id=filters.service_id)
    if filters.priority:
        cases = cases.filter(priority=filters.priority)
    if filters.ward_id:
        cases = cases.filter(ward_id=filters.ward_id)
    if filters.assignee == "me" and user is not None:
        cases = cases.filter(assignee=user)
    elif filters.assignee == "nobody":
        cases = cases.filter(assignee__isnull=True)
    elif filters.assignee.isdigit():
        cases = cases.filter(assignee_id=int(filters.assignee))
    if filters.overdue:
        cases = cases.filter(status__in=OPEN_STATUSES, due_date__lt=timezone.localdate())
    text = filters.text.strip()
    if text:
        reference = normalise_reference(text)
        if reference:
            cases = cases.filter(reference=reference)
        else:
            for word in text.lower().replace(",", " ").split()[:6]:
                cases = cases.filter(
                    Q(property__search_text__contains=word)
                    | Q(street__name__icontains=word)
                    | Q(location_description__icontains=word)
                    | Q(resident__last_name__iexact=word)
                )
    if filters.sort == "due":
        return cases.order_by("due_date", "-priority", "id")
    return cases.order_by("-created_at", "-id")


def case_by_reference(reference: str) -> Case | None:
    normalised = normalise_reference(reference)
    if normalised is None:
        return None
    return (
        Case.objects.select_related(
            "service",
            "team",
            "property__usrn",
            "street",
            "ward",
            "resident",
            "assignee",
            "assisted_by",
        )
        .filter(reference=normalised)
        .first()
    )


def case_by_idempotency_key(key: str) -> Case | None:
    """The case a submission with this key made, if any (a second click of the same submit)."""
    return Case.objects.filter(idempotency_key=key).only("reference", "team_id").first()


def cases_for_resident(resident) -> QuerySet[Case]:
    return (
        Case.objects.filter(resident=resident)
        .select_related("service", "team")
        .order_by("-created_at")
    )


def case_counts_by_service(*, days: int = 90) -> dict[int, int]:
    """How many requests each service received in the last ``days`` days (for top tasks)."""
    since = timezone.now() - dt.timedelta(days=days)
    rows = (
        Case.objects.filter(created_at__gte=since)
        .values("service_id")
        .annotate(count=Count("id"))
        .order_by()
    )
    return {row["service_id"]: row["count"] for row in rows}
