"""Reading contacts."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Contact


def contacts_for_resident(resident, *, limit: int = 100) -> QuerySet[Contact]:
    """A resident's contacts on every channel, newest first."""
    return (
        Contact.objects.filter(resident=resident)
        .select_related("case", "service", "handled_by")
        .order_by("-started_at")[:limit]
    )
