"""Lists of cases: the one filter (``CaseFilters``) behind the hub's work queue and the REST
API's case list, the queue's free-text search and orders, read with the query count in mind."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.utils import timezone

from borough.people.models import Resident, ResidentNeed
from borough.places.models import Property, Street

from .models import OPEN_STATUSES, Case
from .references import normalise_reference
from .selectors import sla_at_risk_until

SORTS = ("due", "newest", "oldest", "priority", "urgent")


@dataclass(frozen=True)
class CaseFilters:
    """Which cases a list shows. Empty values mean "any".

    The hub names teams, services and wards by id; the API by the keys other systems know
    (slugs and ward codes), and filters by channel and by when cases were made or changed.
    """

    team_ids: frozenset[int] | None = None  # None: every team
    status: str = ""  # a Status value, or "open" for every open status
    state: str = ""  # a workflow state key ("crew_sent"), whatever the service
    service_id: int | None = None
    priority: int | None = None
    ward_id: int | None = None
    assignee: str = ""  # "", "me", "nobody", or a user id
    overdue: bool = False
    at_risk: bool = False  # open, due today or within the at-risk threshold
    text: str = ""
    # one of SORTS: soonest due, newest, oldest, highest priority first, or most urgent first
    # (overdue open cases, then by priority, then by due date: the hub queue's default)
    sort: str = "due"
    service_slug: str = ""
    team_slug: str = ""
    ward_code: str = ""
    channel: str = ""
    created_since: dt.datetime | None = None
    created_before: dt.datetime | None = None
    updated_since: dt.datetime | None = None


# The order of each sort; every one ends in ``id`` so pages never overlap or skip a case.
ORDERINGS = {
    "due": ("due_date", "id"),
    "newest": ("-created_at", "-id"),
    "oldest": ("created_at", "id"),
    "priority": ("-priority", "due_date", "id"),
    "urgent": ("-overdue_first", "-priority", "due_date", "id"),
}


def _overdue_first() -> ExpressionWrapper:
    """True for an open case past its due date: the "urgent" order puts these first."""
    return ExpressionWrapper(
        Q(status__in=OPEN_STATUSES, due_date__lt=timezone.localdate()),
        output_field=BooleanField(),
    )


def _for_ordering(cases: QuerySet[Case], ordering: tuple[str, ...]) -> QuerySet[Case]:
    """``cases`` with what ``ordering`` sorts by that is not a column (whether overdue)."""
    if "-overdue_first" in ordering:
        return cases.annotate(overdue_first=_overdue_first())
    return cases


def _text_conditions(word: str) -> list[Q]:
    """Where one search word may match a case: the address, the street, the location
    description or the resident's name. Each is its own condition, so each can use its own
    index (the trigram indexes on PostgreSQL, then the case's covering foreign key index)."""
    places = Property.objects.filter(search_text__contains=word).values("pk")
    streets = Street.objects.filter(name__icontains=word).values("pk")
    people = Resident.objects.filter(
        Q(last_name__icontains=word) | Q(first_name__icontains=word)
    ).values("pk")
    return [
        Q(property_id__in=places),
        Q(street_id__in=streets),
        Q(location_description__icontains=word),
        Q(resident_id__in=people),
    ]


def _matches_word(word: str) -> Q:
    """A case that one search word matches in any of the places it may be."""
    conditions = _text_conditions(word)
    combined = conditions[0]
    for condition in conditions[1:]:
        combined |= condition
    return combined


def case_rows(ids) -> QuerySet[Case]:
    """The cases with these ids, with everything a queue row shows, in one query.

    Each case carries ``needs_support``: its resident has a need or vulnerability recorded
    (and not withdrawn), so the queue can flag it.
    """
    return _with_row_data(Case.objects.filter(id__in=ids))


def _with_row_data(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.select_related("service", "team", "property__usrn", "street", "assignee").annotate(
        needs_support=Exists(
            ResidentNeed.objects.filter(
                resident_id=OuterRef("resident_id"), withdrawn_at__isnull=True
            )
        )
    )


def _search_words(text: str) -> list[str]:
    return text.lower().replace(",", " ").split()[:6]


def cases_filtered(filters: CaseFilters, cases: QuerySet[Case], *, user=None) -> QuerySet[Case]:
    """``cases`` narrowed by every filter except the free text. ``user`` is who "me" is."""
    if filters.team_ids is not None:
        cases = cases.filter(team_id__in=filters.team_ids)
    if filters.team_slug:
        cases = cases.filter(team__slug=filters.team_slug)
    if filters.status == "open":
        cases = cases.filter(status__in=OPEN_STATUSES)
    elif filters.status:
        cases = cases.filter(status=filters.status)
    if filters.state:
        cases = cases.filter(state=filters.state)
    if filters.service_id:
        cases = cases.filter(service_id=filters.service_id)
    if filters.service_slug:
        cases = cases.filter(service__slug=filters.service_slug)
    if filters.priority:
        cases = cases.filter(priority=filters.priority)
    if filters.ward_id:
        cases = cases.filter(ward_id=filters.ward_id)
    if filters.ward_code:
        cases = cases.filter(ward__code=filters.ward_code)
    if filters.channel:
        cases = cases.filter(channel=filters.channel)
    if filters.assignee == "me" and user is not None:
        cases = cases.filter(assignee=user)
    elif filters.assignee == "nobody":
        cases = cases.filter(assignee__isnull=True)
    elif filters.assignee.isdigit():
        cases = cases.filter(assignee_id=int(filters.assignee))
    if filters.overdue:
        cases = cases.filter(status__in=OPEN_STATUSES, due_date__lt=timezone.localdate())
    if filters.at_risk:
        today = timezone.localdate()
        cases = cases.filter(
            status__in=OPEN_STATUSES, due_date__gte=today, due_date__lte=sla_at_risk_until(today)
        )
    if filters.created_since:
        cases = cases.filter(created_at__gte=filters.created_since)
    if filters.created_before:
        cases = cases.filter(created_at__lt=filters.created_before)
    if filters.updated_since:
        cases = cases.filter(updated_at__gte=filters.updated_since)
    return cases


def case_list(filters: CaseFilters = CaseFilters(), *, user=None) -> QuerySet[Case]:
    """Cases for a work queue, with the related rows a queue row shows, in one query.

    Each case carries ``needs_support``: its resident has a need or vulnerability recorded
    (and not withdrawn), so the queue can flag it.
    """
    cases = cases_filtered(filters, _with_row_data(Case.objects.all()), user=user)
    text = filters.text.strip()
    if text:
        reference = normalise_reference(text)
        if reference:
            cases = cases.filter(reference=reference)
        else:
            for word in _search_words(text):
                cases = cases.filter(_matches_word(word))
    ordering = ORDERINGS.get(filters.sort, ORDERINGS["due"])
    return _for_ordering(cases, ordering).order_by(*ordering)


def case_ids(filters: CaseFilters = CaseFilters(), *, user=None, limit: int) -> list[int]:
    """The ids of the first ``limit`` cases of a work queue, in its order (ADR 0011).

    Without search words this is ``case_list``'s ids: an index-only scan for the usual views.
    With them, every other filter goes inside each place the longest word may match (address,
    street, location, resident), each part reads only the ids and the columns the order needs
    (from covering indexes on PostgreSQL, without visiting the table), and the parts are united
    and ordered. Any other words narrow each part as ``case_list`` does.
    """
    text = filters.text.strip()
    words = _search_words(text) if text and not normalise_reference(text) else []
    ordering = ORDERINGS.get(filters.sort, ORDERINGS["due"])
    if not words:
        return list(case_list(filters, user=user).values_list("id", flat=True)[:limit])
    # The longest word is likely the rarest: it picks the candidates, the others narrow them.
    driver = max(words, key=len)
    others = [word for word in words if word is not driver]
    cases = _for_ordering(cases_filtered(filters, Case.objects.order_by(), user=user), ordering)
    columns = ["id"] + [name.lstrip("-") for name in ordering if name.lstrip("-") != "id"]
    first, *rest = (
        cases.filter(condition).values_list(*columns) for condition in _text_conditions(driver)
    )
    candidates, params = first.union(*rest).query.sql_with_params()
    order = ", ".join(
        f"{connection.ops.quote_name(name.lstrip('-'))} {'DESC' if name[0] == '-' else 'ASC'}"
        for name in ordering
    )
    if not others:
        # Ordered outside the union, so only the ids travel back (thousands of timestamps
        # would cost more to read than the query takes).
        sql = f"SELECT id FROM ({candidates}) AS matches ORDER BY {order} LIMIT %s"  # noqa: S608
        return _ids(sql, [*params, limit])
    # The other words narrow the candidates, read by primary key: ``id = ANY(ARRAY(...))``
    # runs the candidates' query once. Joined instead, the planner guesses that the other
    # words match most cases and reads them all.
    narrowed = _for_ordering(Case.objects.order_by(), ordering)
    for word in others:
        narrowed = narrowed.filter(_matches_word(word))
    table = connection.ops.quote_name(Case._meta.db_table)
    if connection.vendor == "postgresql":
        where = f"{table}.id = ANY(ARRAY(SELECT id FROM ({candidates}) AS candidates))"  # noqa: S608
    else:
        where = f"{table}.id IN (SELECT id FROM ({candidates}) AS candidates)"  # noqa: S608
    narrowed = narrowed.extra(where=[where], params=params)  # noqa: S610
    outer, outer_params = narrowed.values_list(*columns).query.sql_with_params()
    sql = f"SELECT id FROM ({outer}) AS matches ORDER BY {order} LIMIT %s"  # noqa: S608
    return _ids(sql, [*outer_params, limit])


def _ids(sql: str, params: list) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]
