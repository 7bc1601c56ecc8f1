"""A resident's record as data: the one serialiser behind the REST API's resident and a
resident's own "download my data"."""

from __future__ import annotations

from typing import Any

from .models import Resident

# A resident's own details, in the order both the API and the download give them.
RESIDENT_FIELDS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "email",
    "phone",
    "preferred_language",
    "email_updates",
)


def resident_data(resident: Resident) -> dict[str, Any]:
    """The resident's own details as stored, by field name (dates as ``date`` objects: the
    caller's encoder writes them)."""
    return {name: getattr(resident, name) for name in RESIDENT_FIELDS}
