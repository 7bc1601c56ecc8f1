"""Objections to processing (UK GDPR Article 21) that the council has upheld: what each code
path asks before it processes a resident's data for an activity a person may object to (the
single view's linkage, the council's language model). Recorded by governance's objection
workflow (``governance.rights``); read here so every app below governance can honour them."""

from __future__ import annotations

from .models import ProcessingActivity, ProcessingObjection

__all__ = ["ProcessingActivity", "objects_to", "objectors"]


def objects_to(resident_id: int | None, activity: str) -> bool:
    """Has the resident ``resident_id`` an upheld objection to ``activity``? (None: no one.)"""
    if resident_id is None:
        return False
    return ProcessingObjection.objects.filter(resident_id=resident_id, activity=activity).exists()


def objectors(activity: str) -> set[int]:
    """The ids of every resident with an upheld objection to ``activity``."""
    return set(
        ProcessingObjection.objects.filter(activity=activity).values_list("resident_id", flat=True)
    )
