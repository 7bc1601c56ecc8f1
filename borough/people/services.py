"""Writes to residents, households and needs."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from borough.core.services import audit_record

from .models import ConsentBasis, Resident, ResidentNeed


@transaction.atomic
def resident_need_record(
    *,
    resident: Resident,
    need: str,
    consent_basis: str,
    recorded_by=None,
    note: str = "",
) -> ResidentNeed:
    """Record a need or vulnerability flag with the consent that allows it to be kept."""
    if consent_basis not in ConsentBasis.values:
        raise ValueError("A need can only be recorded with a consent basis")
    item = ResidentNeed.objects.create(
        resident=resident,
        need=need,
        note=note,
        consent_basis=consent_basis,
        consent_recorded_at=timezone.now(),
        consent_recorded_by=recorded_by,
    )
    audit_record(
        actor=recorded_by,
        action="created",
        object_type="resident_need",
        object_id=item.pk,
        summary=f"need {need} for resident {resident.pk}",
    )
    return item
