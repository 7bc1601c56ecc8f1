"""Reading cases, with the query count in mind."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from borough.accounts.models import Membership, Role, Team
from borough.core.models import AuditEvent
from borough.core.working_days import add_working_days, working_days_between

from .models import OPEN_STATUSES, Case, CaseEvent, CaseLink, ResponseTemplate, Status
from .references import normalise_reference

SORTS = ("due", "newest", "oldest", "priority")


@dataclass(frozen=True)
class CaseFilters:
    """What a work queue shows. Empty values mean "any"."""

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
    sort: str = "due"  # one of SORTS: soonest due, newest, oldest, or highest priority first


# The order of each sort; every one ends in ``id`` so pages never overlap or skip a case.
ORDERINGS = {
    "due": ("due_date", "id"),
    "newest": ("-created_at", "-id"),
    "oldest": ("created_at", "id"),
    "priority": ("-priority", "due_date", "id"),
}


def _matching(model, **lookups) -> Exists:
    return Exists(model.objects.filter(**lookups))


def _text_conditions(word: str) -> list[Q]:
    """Where one search word may match a case: the address, the street, the location
    description or the resident's name. Each is its own condition, so each can use its own
    index (the trigram indexes on PostgreSQL, then the case's covering foreign key index)."""
    from borough.people.models import Resident
    from borough.places.models import Property, Street

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
    from borough.people.models import ResidentNeed

    return cases.select_related("service", "team", "property__usrn", "street", "assignee").annotate(
        needs_support=_matching(
            ResidentNeed, resident_id=OuterRef("resident_id"), withdrawn_at__isnull=True
        )
    )


def _search_words(text: str) -> list[str]:
    return text.lower().replace(",", " ").split()[:6]


def _filtered(filters: CaseFilters, cases: QuerySet[Case], *, user=None) -> QuerySet[Case]:
    """``cases`` narrowed by every filter except the free text."""
    if filters.team_ids is not None:
        cases = cases.filter(team_id__in=filters.team_ids)
    if filters.status == "open":
        cases = cases.filter(status__in=OPEN_STATUSES)
    elif filters.status:
        cases = cases.filter(status=filters.status)
    if filters.state:
        cases = cases.filter(state=filters.state)
    if filters.service_id:
        cases = cases.filter(service_id=filters.service_id)
    if filters.priority:
        cases = cases.filter(priority=filters.priority)
    if filters.ward_id:
        cases = cases.filter(ward_id=filters.ward_id)
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
    return cases


def case_list(filters: CaseFilters = CaseFilters(), *, user=None) -> QuerySet[Case]:
    """Cases for a work queue, with the related rows a queue row shows, in one query.

    Each case carries ``needs_support``: its resident has a need or vulnerability recorded
    (and not withdrawn), so the queue can flag it.
    """
    cases = _filtered(filters, _with_row_data(Case.objects.all()), user=user)
    text = filters.text.strip()
    if text:
        reference = normalise_reference(text)
        if reference:
            cases = cases.filter(reference=reference)
        else:
            for word in _search_words(text):
                cases = cases.filter(_matches_word(word))
    return cases.order_by(*ORDERINGS.get(filters.sort, ORDERINGS["due"]))


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
    cases = _filtered(filters, Case.objects.order_by(), user=user)
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
    narrowed = Case.objects.order_by()
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


def case_by_reference(reference: str) -> Case | None:
    normalised = normalise_reference(reference)
    if normalised is None:
        return None
    return (
        Case.objects.select_related(
            "service",
            "team",
            "property__usrn",
            "street",
            "ward",
            "resident",
            "assignee",
            "assisted_by",
            "duplicate_of",
        )
        .filter(reference=normalised)
        .first()
    )


def case_by_idempotency_key(key: str) -> Case | None:
    """The case a submission with this key made, if any (a second click of the same submit)."""
    return Case.objects.filter(idempotency_key=key).only("reference", "team_id").first()


def cases_for_resident(resident) -> QuerySet[Case]:
    return (
        Case.objects.filter(resident=resident)
        .select_related("service", "team")
        .order_by("-created_at")
    )


def case_events(case: Case) -> list[CaseEvent]:
    """Every timeline event of a case, oldest first, with who did it, in one query."""
    return list(case.events.select_related("actor").order_by("at", "id"))


def case_links(case: Case) -> list[dict]:
    """The cases linked to ``case``, each with the link's reason, in one query."""
    links = (
        CaseLink.objects.filter(Q(first=case) | Q(second=case))
        .select_related("first__service", "second__service")
        .order_by("created_at", "id")
    )
    return [{"link": link, "case": link.other(case)} for link in links]


def case_duplicates(case: Case) -> list[Case]:
    """The cases closed as duplicates of ``case``."""
    return list(case.duplicates.order_by("created_at", "id"))


EARTH_RADIUS_METRES = 6_371_008.8


def haversine_metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance between two points, in metres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_METRES * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class DuplicateSuggestion:
    case: Case
    distance_metres: float


def duplicate_suggestions(
    case: Case, *, radius_metres: int | None = None, days: int | None = None, limit: int = 10
) -> list[DuplicateSuggestion]:
    """Cases that may be the same request as ``case``, nearest first.

    Same service; open, or closed within the window; created within the window; within the
    radius of the case's location. A bounding box narrows the rows in SQL (any database) and
    the exact distance is worked out here. Cases already closed as duplicates are left out
    (their original is suggested instead), and so is ``case`` itself. One query.
    """
    if case.latitude is None or case.longitude is None:
        return []
    radius = (
        radius_metres if radius_metres is not None else settings.BOROUGH_DUPLICATE_RADIUS_METRES
    )
    days = days if days is not None else settings.BOROUGH_DUPLICATE_WINDOW_DAYS
    lat, lon = float(case.latitude), float(case.longitude)
    d_lat = math.degrees(radius / EARTH_RADIUS_METRES)
    d_lon = d_lat / max(math.cos(math.radians(lat)), 0.01)
    since = timezone.now() - dt.timedelta(days=days)
    rows = (
        Case.objects.filter(
            service_id=case.service_id,
            created_at__gte=since,
            latitude__gte=lat - d_lat,
            latitude__lte=lat + d_lat,
            longitude__gte=lon - d_lon,
            longitude__lte=lon + d_lon,
            duplicate_of__isnull=True,
        )
        .filter(Q(status__in=OPEN_STATUSES) | Q(closed_at__gte=since))
        .exclude(pk=case.pk)
        .select_related("property__usrn", "street")
        .order_by("-created_at")[:200]
    )
    found = []
    for row in rows:
        distance = haversine_metres(lat, lon, float(row.latitude), float(row.longitude))
        if distance <= radius:
            found.append(DuplicateSuggestion(case=row, distance_metres=distance))
    found.sort(key=lambda item: (item.distance_metres, item.case.created_at))
    return found[:limit]


def response_templates_for_case(case: Case) -> list[ResponseTemplate]:
    """Templates of the case's team for its service (or any) and its status (or any)."""
    return list(
        ResponseTemplate.objects.filter(team_id=case.team_id)
        .filter(Q(service__isnull=True) | Q(service_id=case.service_id))
        .filter(Q(status="") | Q(status=case.status))
        .order_by("title")
    )


def response_templates_for_teams(team_ids: set[int] | None) -> QuerySet[ResponseTemplate]:
    """Templates of these teams (``None``: every team), for the management list."""
    templates = ResponseTemplate.objects.select_related("team", "service")
    if team_ids is not None:
        templates = templates.filter(team_id__in=team_ids)
    return templates.order_by("team__name", "title")


def case_viewers(case: Case) -> list[dict]:
    """Who viewed the case, per person per day, most recent first, from the audit log.

    Each row: ``name``, ``day`` (a date) and ``times``. One query.
    """
    rows = (
        AuditEvent.objects.filter(object_type="case", object_id=str(case.pk), action="viewed")
        .annotate(day=TruncDate("at", tzinfo=timezone.get_current_timezone()))
        .values("actor_id", "actor__first_name", "actor__last_name", "actor__email", "day")
        .annotate(times=Count("id"))
        .order_by("-day", "actor__first_name", "actor_id")
    )
    return [
        {
            "name": " ".join(filter(None, [row["actor__first_name"], row["actor__last_name"]]))
            or row["actor__email"]
            or "Someone no longer on the system",
            "day": row["day"],
            "times": row["times"],
        }
        for row in rows
    ]


@dataclass(frozen=True)
class SlaClock:
    due_date: dt.date
    working_days_left: int  # negative when overdue
    is_open: bool

    @property
    def overdue_by(self) -> int:
        return -self.working_days_left


def sla_clock(case: Case, today: dt.date | None = None) -> SlaClock:
    """How long is left to deal with the case, in working days (negative: overdue)."""
    today = today or timezone.localdate()
    left = working_days_between(today, case.due_date)  # negative once the due date has passed
    return SlaClock(due_date=case.due_date, working_days_left=left, is_open=case.is_open)


def case_attachments(case: Case) -> list[dict]:
    """Files the resident gave in their answers: question id, label, name, type and size."""
    return [
        {
            "question_id": question.id,
            "label": question.label,
            "name": case.answers[question.id]["name"],
            "content_type": case.answers[question.id]["content_type"],
            "size": case.answers[question.id]["size"],
        }
        for question in case.service.form.questions
        if question.type == "file" and isinstance(case.answers.get(question.id), dict)
    ]


def case_counts_by_service(*, days: int = 90) -> dict[int, int]:
    """How many requests each service received in the last ``days`` days (for top tasks)."""
    since = timezone.now() - dt.timedelta(days=days)
    rows = (
        Case.objects.filter(created_at__gte=since)
        .values("service_id")
        .annotate(count=Count("id"))
        .order_by()
    )
    return {row["service_id"]: row["count"] for row in rows}


def sla_at_risk_until(today: dt.date) -> dt.date:
    """The last due date that makes an open case "at risk" today (working days, bank holidays
    included): with the default setting of 1, a case due today or on the next working day."""
    return add_working_days(today, settings.SLA_AT_RISK_WORKING_DAYS)


# ---------------------------------------------------------------------------- team dashboard


@dataclass
class Counts:
    open: int = 0
    due_today: int = 0
    overdue: int = 0
    created_this_week: int = 0
    closed_this_week: int = 0


@dataclass
class OfficerRow:
    user: object | None  # None: cases nobody is assigned
    counts: Counts


@dataclass
class TeamRow:
    team: Team
    counts: Counts
    officers: list[OfficerRow] = field(default_factory=list)


def week_start(now: dt.datetime) -> dt.datetime:
    """Monday 00:00 (local time) of the week ``now`` is in."""
    local = timezone.localtime(now)
    monday = local.date() - dt.timedelta(days=local.weekday())
    return timezone.make_aware(dt.datetime.combine(monday, dt.time.min))


def team_dashboard(*, team_ids: set[int] | None, now: dt.datetime) -> list[TeamRow]:
    """Per team, and per officer in the team: open, due today, overdue, created this week and
    closed this week. Four queries whatever the number of teams, officers or cases: the teams,
    the staff in them, and two aggregates with conditional counts.

    ``team_ids`` None means every team. Officers are the team's officers and team leads, each
    shown even with no cases; cases assigned to nobody (or to someone outside the team) get a
    row of their own.
    """
    today = timezone.localdate(now)
    since = week_start(now)
    is_open = Q(status__in=OPEN_STATUSES)
    aggregates = {
        "open": Count("id", filter=is_open),
        "due_today": Count("id", filter=is_open & Q(due_date=today)),
        "overdue": Count("id", filter=is_open & Q(due_date__lt=today)),
        "created_this_week": Count("id", filter=Q(created_at__gte=since)),
        "closed_this_week": Count("id", filter=Q(status=Status.CLOSED, closed_at__gte=since)),
    }
    teams = Team.objects.order_by("name")
    cases = Case.objects.all()
    if team_ids is not None:
        teams = teams.filter(id__in=team_ids)
        cases = cases.filter(team_id__in=team_ids)
    # Only cases that count for something: open ones, and those touched this week.
    cases = cases.filter(is_open | Q(created_at__gte=since) | Q(closed_at__gte=since))
    rows = {team.pk: TeamRow(team=team, counts=Counts()) for team in teams}
    for values in cases.order_by().values("team_id").annotate(**aggregates):
        team_id = values.pop("team_id")
        if team_id in rows:
            rows[team_id].counts = Counts(**values)
    members = (
        Membership.objects.filter(
            team_id__in=rows, role__in=(Role.OFFICER, Role.TEAM_LEAD), user__is_active=True
        )
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user__email")
    )
    officers: dict[tuple[int, int | None], OfficerRow] = {}
    for membership in members:
        row = OfficerRow(user=membership.user, counts=Counts())
        officers[(membership.team_id, membership.user_id)] = row
        rows[membership.team_id].officers.append(row)
    unassigned = {team_id: OfficerRow(user=None, counts=Counts()) for team_id in rows}
    for values in cases.order_by().values("team_id", "assignee_id").annotate(**aggregates):
        team_id, assignee_id = values.pop("team_id"), values.pop("assignee_id")
        if team_id not in rows:
            continue
        row = officers.get((team_id, assignee_id), unassigned[team_id])
        row.counts = _add(row.counts, Counts(**values))
    for team_id, row in rows.items():
        row.officers.append(unassigned[team_id])
    return list(rows.values())


def _add(first: Counts, second: Counts) -> Counts:
    return Counts(**{name: getattr(first, name) + getattr(second, name) for name in vars(first)})


# ------------------------------------------------------------------- what residents see


def case_public_events(case: Case) -> list[CaseEvent]:
    """The timeline a resident sees: public events only, oldest first, without staff names."""
    return list(case.events.filter(is_public=True).order_by("at", "id"))


def case_for_resident(resident, reference: str) -> Case | None:
    """One of this resident's own cases by reference; None for anyone else's (or none)."""
    if resident is None:
        return None
    case = case_by_reference(reference)
    if case is None or case.resident_id != resident.pk:
        return None
    return case


def case_reopen_state(case: Case):
    """The workflow state a closed case goes back to when the resident says it is not fixed:
    the first state the workflow allows next that is open, preferring a "received" one."""
    flow = case.service.flow
    allowed = [s for s in flow.next_states(case.current_state.key) if not s.is_closing]
    return next((s for s in allowed if s.status == Status.NEW), None) or next(iter(allowed), None)


def case_not_fixed_refusal(case: Case, *, now: dt.datetime) -> str | None:
    """Why the resident may not say this case is not fixed, or None if they may."""
    from django.utils.translation import gettext

    if case.is_open:
        return gettext("This request is still open")
    if case.resolution == "duplicate":
        return gettext("This request was closed because someone had already reported it")
    if case.closed_at and now - case.closed_at > dt.timedelta(days=settings.BOROUGH_NOT_FIXED_DAYS):
        return gettext(
            "This request was closed more than %(days)s days ago. Report the problem again"
        ) % {"days": settings.BOROUGH_NOT_FIXED_DAYS}
    if case_reopen_state(case) is None:
        return gettext("This request cannot be reopened online. Report the problem again")
    return None


@dataclass
class ResidentRequest:
    case: Case
    last_update: CaseEvent | None


def resident_requests(resident, *, limit: int = 100) -> list[ResidentRequest]:
    """A resident's requests, newest first, each with its latest public event (two queries)."""
    cases = list(cases_for_resident(resident)[:limit])
    latest: dict[int, CaseEvent] = {}
    for event in CaseEvent.objects.filter(case__in=cases, is_public=True).order_by("at", "id"):
        latest[event.case_id] = event
    return [ResidentRequest(case=case, last_update=latest.get(case.pk)) for case in cases]
