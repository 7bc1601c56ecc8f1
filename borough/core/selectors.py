"""Reads of the audit log."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import AuditEvent


def audit_for_resident(resident_id: int) -> QuerySet[AuditEvent]:
    """Every view and change of a resident's record and of their cases, contacts and needs,
    newest first (the rows naming the resident as whose data it was; migration 0002 named
    them on the rows written before)."""
    return AuditEvent.objects.filter(resident_id=resident_id).order_by("-at", "-id")
