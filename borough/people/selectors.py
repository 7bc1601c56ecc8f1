"""Reading residents and households."""

from __future__ import annotations

from django.db.models import Prefetch

from .models import ProcessingObjection, Resident, ResidentNeed


def resident_get(resident_id: int) -> Resident | None:
    """A resident with their household, property and current needs, in three queries."""
    return (
        Resident.objects.select_related("household__property__usrn", "household__property__ward")
        .prefetch_related(
            Prefetch(
                "needs",
                queryset=ResidentNeed.objects.filter(withdrawn_at__isnull=True).select_related(
                    "consent_recorded_by"
                ),
                to_attr="current_needs",
            ),
        )
        .filter(pk=resident_id)
        .first()
    )


def household_members(resident: Resident) -> list[Resident]:
    """The other people in the resident's household."""
    if resident.household_id is None:
        return []
    return list(
        Resident.objects.filter(household_id=resident.household_id)
        .exclude(pk=resident.pk)
        .order_by("date_of_birth")
    )


def resident_for_user(user) -> Resident | None:
    """The resident record of a signed-in resident, with their household's property."""
    if user is None or not user.is_authenticated or user.is_council_staff:
        return None
    return (
        Resident.objects.select_related("household__property__usrn", "household__property__ward")
        .filter(user=user)
        .first()
    )


def needs_of(resident: Resident) -> list[ResidentNeed]:
    """Every need recorded for ``resident``, withdrawn ones too, oldest first."""
    return list(ResidentNeed.objects.filter(resident=resident).order_by("created_at", "pk"))


def objections_of(resident: Resident) -> list[ProcessingObjection]:
    """The resident's upheld objections to processing, oldest first."""
    return list(ProcessingObjection.objects.filter(resident=resident).order_by("upheld_at", "pk"))
