"""Reads for the REST API: pages of cases and contacts in a stable order, by cursor.

Each page is one query for the rows (plus the cases' services, once per page), whatever the
depth: the cursor is the last row's sort value and id, so the next page starts from the index.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from borough.cases.lists import CaseFilters, cases_filtered
from borough.cases.models import Case, CaseEvent
from borough.contacts.models import Contact

# How each order sorts, and the comparison that finds the rows after a cursor.
CASE_ORDERS = {
    "newest": ("created_at", "desc"),
    "updated": ("updated_at", "asc"),
}


def _after(field: str, direction: str, moment: dt.datetime, pk: int) -> Q:
    op = "lt" if direction == "desc" else "gt"
    return Q(**{f"{field}__{op}": moment}) | Q(**{field: moment, f"id__{op}": pk})


def cases_page(
    filters: CaseFilters, *, order: str, after: tuple[dt.datetime, int] | None, limit: int
) -> list[Case]:
    """Up to ``limit`` + 1 cases matching ``filters`` (the one case filter, ``cases.lists``)
    in ``order`` after the cursor (the extra one says there is a next page)."""
    # Services prefetched (shared per page, their forms parsed once), not joined per row.
    cases = cases_filtered(
        filters,
        Case.objects.select_related("team", "ward", "duplicate_of").prefetch_related("service"),
    )
    field, direction = CASE_ORDERS[order]
    if after is not None:
        cases = cases.filter(_after(field, direction, *after))
    sign = "-" if direction == "desc" else ""
    return list(cases.order_by(f"{sign}{field}", f"{sign}id")[: limit + 1])


def case_events_for_api(case: Case) -> list[CaseEvent]:
    """Every event on a case's timeline, oldest first (internal notes included)."""
    return list(case.events.order_by("at", "id"))


@dataclass(frozen=True)
class ContactQuery:
    channel: str = ""
    case: str = ""
    resident_id: int | None = None
    since: dt.datetime | None = None
    before: dt.datetime | None = None


def contacts_page(
    query: ContactQuery, *, after: tuple[dt.datetime, int] | None, limit: int
) -> list[Contact]:
    """Up to ``limit`` + 1 contacts, newest first, after the cursor."""
    contacts = Contact.objects.select_related("case", "service")
    if query.channel:
        contacts = contacts.filter(channel=query.channel)
    if query.case:
        contacts = contacts.filter(case__reference=query.case)
    if query.resident_id is not None:
        contacts = contacts.filter(resident_id=query.resident_id)
    if query.since:
        contacts = contacts.filter(started_at__gte=query.since)
    if query.before:
        contacts = contacts.filter(started_at__lt=query.before)
    if after is not None:
        contacts = contacts.filter(_after("started_at", "desc", *after))
    return list(contacts.order_by("-started_at", "-id")[: limit + 1])
