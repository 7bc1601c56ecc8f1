"""Reading cases, with the query count in mind."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from borough.accounts.models import Membership, Role, Team
from borough.core.working_days import add_working_days

from .models import OPEN_STATUSES, Case, Status
from .references import normalise_reference


@dataclass(frozen=True)
class CaseFilters:
    """What a work queue shows. Empty values mean "any"."""

    team_ids: frozenset[int] | None = None  # None: every team
    status: str = ""  # a Status value, or "open" for every open status
    service_id: int | None = None
    priority: int | None = None
    ward_id: int | None = None
    assignee: str = ""  # "", "me", "nobody", or a user id
    overdue: bool = False
    at_risk: bool = False  # open, due today or within the at-risk threshold
    text: str = ""
    sort: str = "newest"  # "newest" or "due"


def case_list(filters: CaseFilters = CaseFilters(), *, user=None) -> QuerySet[Case]:
    """Cases for a work queue, with the related rows a queue row shows, in one query."""
    cases = Case.objects.select_related("service", "team", "property__usrn", "street", "assignee")
    if filters.team_ids is not None:
        cases = cases.filter(team_id__in=filters.team_ids)
    if filters.status == "open":
        cases = cases.filter(status__in=OPEN_STATUSES)
    elif filters.status:
        cases = cases.filter(status=filters.status)
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
    text = filters.text.strip()
    if text:
        reference = normalise_reference(text)
        if reference:
            cases = cases.filter(reference=reference)
        else:
            for word in text.lower().replace(",", " ").split()[:6]:
                cases = cases.filter(
                    Q(property__search_text__contains=word)
                    | Q(street__name__icontains=word)
                    | Q(location_description__icontains=word)
                    | Q(resident__last_name__iexact=word)
                )
    if filters.sort == "due":
        return cases.order_by("due_date", "-priority", "id")
    return cases.order_by("-created_at", "-id")


def case_by_reference(reference: str) -> Case | None:
    normalised = normalise_reference(reference)
    if normalised is None:
        return None
    return (
        Case.objects.select_related(
            "service", "team", "property__usrn", "street", "ward", "resident", "assignee"
        )
        .filter(reference=normalised)
        .first()
    )


def cases_for_resident(resident) -> QuerySet[Case]:
    return (
        Case.objects.filter(resident=resident)
        .select_related("service", "team")
        .order_by("-created_at")
    )


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
