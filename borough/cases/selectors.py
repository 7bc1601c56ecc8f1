"""Reading cases, with the query count in mind."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Case
from .references import normalise_reference


def case_list(
    *, team_ids: set[int] | None = None, status: str | None = None, service_id: int | None = None
) -> QuerySet[Case]:
    """Cases for a work queue, newest first. ``team_ids=None`` means every team."""
    cases = Case.objects.select_related("service", "team", "property__usrn", "street", "assignee")
    if team_ids is not None:
        cases = cases.filter(team_id__in=team_ids)
    if status:
        cases = cases.filter(status=status)
    if service_id:
        cases = cases.filter(service_id=service_id)
    return cases.order_by("-created_at", "-id")


def case_by_reference(reference: str) -> Case | None:
    normalised = normalise_reference(reference)
    if normalised is None:
        return None
    return (
        Case.objects.select_related("service", "team", "property__usrn", "street")
        .filter(reference=normalised)
        .first()
    )
