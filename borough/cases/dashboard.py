"""Counting cases: the team dashboard (per team and per officer) and how many requests each
service received lately (the portal's top tasks)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from borough.accounts.models import Membership, Role, Team

from .models import OPEN_STATUSES, Case, Status


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
    for team_id, team_row in rows.items():
        team_row.officers.append(unassigned[team_id])
    return list(rows.values())


def _add(first: Counts, second: Counts) -> Counts:
    return Counts(**{name: getattr(first, name) + getattr(second, name) for name in vars(first)})
