"""Reading the inclusion forms' posted fields, for the portal and the hub alike."""

from __future__ import annotations

import datetime as dt

from .models import Partner


def date_from(post, prefix: str) -> dt.date | None:
    """A GOV.UK date input's day, month and year; None when it is not a real date."""
    try:
        return dt.date(
            int(post.get(f"{prefix}_year", "")),
            int(post.get(f"{prefix}_month", "")),
            int(post.get(f"{prefix}_day", "")),
        )
    except (TypeError, ValueError):
        return None


def handover_places() -> list[str]:
    """Where a device can be collected: the partner libraries."""
    return list(
        Partner.objects.filter(kind=Partner.Kind.LIBRARY)
        .order_by("name")
        .values_list("name", flat=True)
    )
