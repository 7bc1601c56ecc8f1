"""What the hub's pages read: the queue's filters as a query string, saved views, and the
teams, staff and services its forms offer. Views read through these, never the ORM."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import QueryDict

from borough.accounts.models import Membership, Role, Team, User
from borough.accounts.policies import can_see_case
from borough.cases.lists import SORTS, CaseFilters
from borough.cases.models import Case, Status
from borough.cases.selectors import case_by_reference
from borough.catalogue.models import Service
from borough.catalogue.selectors import services_online

from .models import SavedView

# The queue's filters, in the order a saved view's query string lists them.
QUEUE_PARAMS = (
    "q",
    "team",
    "service",
    "status",
    "state",
    "priority",
    "ward",
    "assignee",
    "overdue",
    "at_risk",
    "sort",
)
STATE_KEY_MAX = 40


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 10 else None


def _assignee(value: str) -> str:
    """ "me", "nobody" (or "unassigned") or a user id (the dashboard links to an officer's)."""
    if value == "unassigned":
        return "nobody"
    return value if value in {"me", "nobody"} or (value.isdigit() and len(value) < 10) else ""


# The queue as it opens, with no filter chosen: work to do, most urgent first (issue 17).
DEFAULT_STATUS = "open"
DEFAULT_SORT = "urgent"
# Chosen in the status filter to see closed and cancelled cases too.
ANY_STATUS = "any"


def queue_filters(
    params: QueryDict, *, team_ids: set[int] | None
) -> tuple[CaseFilters, int | None]:
    """The queue's filters from a query string, and the team chosen (if any).

    ``team_ids`` are the teams the user may see (``None``: every team). Asking by URL for
    another team's cases shows the user's own: the team filter never widens what they see.
    Values that make no sense are ignored, not errors: a link someone edited still works.

    With no filter at all the queue opens on open cases, most urgent first. Once any filter
    is given, a missing status means every status and a missing sort the due date, as they
    did before (issue 17), so saved views and links show what they always showed.
    """
    chosen_team = _int(params.get("team", ""))
    if chosen_team is not None and team_ids is not None and chosen_team not in team_ids:
        chosen_team = None
    opening = not any(params.get(name) for name in QUEUE_PARAMS)
    status = DEFAULT_STATUS if opening else params.get("status", "")
    state = params.get("state", "")
    sort = DEFAULT_SORT if opening else params.get("sort", "")
    filters = CaseFilters(
        team_ids=frozenset({chosen_team})
        if chosen_team is not None
        else (frozenset(team_ids) if team_ids is not None else None),
        status=status if status in Status.values or status == "open" else "",
        state=state if state.replace("_", "").isalnum() and len(state) <= STATE_KEY_MAX else "",
        service_id=_int(params.get("service", "")),
        priority=_int(params.get("priority", "")),
        ward_id=_int(params.get("ward", "")),
        assignee=_assignee(params.get("assignee", "")),
        overdue=params.get("overdue") == "1",
        at_risk=params.get("at_risk") == "1",
        text=params.get("q", "").strip()[:100],
        sort=sort if sort in SORTS else "due",
    )
    return filters, chosen_team


def queue_query(filters: CaseFilters, *, team: int | None) -> str:
    """The filters as a canonical query string (defaults left out), for links and saved views.

    The queue as it opens (open cases, most urgent first) is the empty string; every status
    with nothing else chosen is ``status=any``, since an empty string opens on open cases.
    """
    values = {
        "q": filters.text,
        "team": team or "",
        "service": filters.service_id or "",
        "status": filters.status,
        "state": filters.state,
        "priority": filters.priority or "",
        "ward": filters.ward_id or "",
        "assignee": filters.assignee,
        "overdue": "1" if filters.overdue else "",
        "at_risk": "1" if filters.at_risk else "",
        "sort": "" if filters.sort == "due" else filters.sort,
    }
    if filters.status == DEFAULT_STATUS and filters.sort == DEFAULT_SORT:
        others = {name: value for name, value in values.items() if name not in ("status", "sort")}
        if not any(value not in ("", None) for value in others.values()):
            return ""
    query = QueryDict(mutable=True)
    for name in QUEUE_PARAMS:
        if values[name] not in ("", None):
            query[name] = str(values[name])
    if not query:
        query["status"] = ANY_STATUS
    return query.urlencode()


def saved_views_for(user) -> QuerySet[SavedView]:
    """The user's own saved views and those shared with their teams, by name. One query."""
    return (
        SavedView.objects.filter(
            Q(owner=user) | Q(team_id__in=Membership.objects.filter(user=user).values("team_id"))
        )
        .select_related("owner", "team")
        .order_by("name", "id")
    )


def saved_view_get(user, view_id: int) -> SavedView | None:
    return SavedView.objects.select_related("owner", "team").filter(pk=view_id).first()


# ------------------------------------------------------------------ what the pages offer

# Roles whose members the queue's bulk assign offers.
WORKING_ROLES = (Role.OFFICER, Role.TEAM_LEAD, Role.ADMIN)


def teams(team_ids: set[int] | None = None) -> QuerySet[Team]:
    """Every team (``None``), or these teams."""
    return Team.objects.all() if team_ids is None else Team.objects.filter(id__in=team_ids)


def teams_by_name(team_ids: set[int] | None = None) -> QuerySet[Team]:
    """``teams``, by name."""
    return teams(team_ids).order_by("name")


def share_teams(share_ids: set[int] | None, *, visible_ids: set[int] | None) -> list[Team]:
    """The teams the queue offers to share a saved view with: every team for those who may
    share with any (``None``), else those of ``share_ids`` among the teams they see."""
    if share_ids is None:
        return list(teams())
    return list(teams(visible_ids).filter(id__in=share_ids)) if share_ids else []


def other_teams(team_id: int) -> QuerySet[Team]:
    """The teams a case of ``team_id`` may be transferred to, by name."""
    return Team.objects.exclude(pk=team_id).order_by("name")


def users() -> QuerySet[User]:
    """Everyone with an account, for forms that name a person by id (the action then checks
    they may be given the case)."""
    return User.objects.all()


def team_members(team_id: int) -> QuerySet[User]:
    """Active members of a team, by first name (whom a case may be assigned to)."""
    return User.objects.filter(memberships__team_id=team_id, is_active=True).order_by("first_name")


def bulk_assignees(team_ids: set[int] | None) -> list[User]:
    """Whom the queue's bulk assign offers: active officers, team leads and admins of these
    teams (``None``: every team). One query."""
    members = User.objects.filter(is_active=True, memberships__role__in=WORKING_ROLES)
    if team_ids is not None:
        members = members.filter(memberships__team_id__in=team_ids)
    return list(members.distinct().order_by("first_name", "last_name", "email"))


def services() -> QuerySet[Service]:
    """Every service, for forms that name one by id."""
    return Service.objects.all()


def services_of_teams(team_list) -> QuerySet[Service]:
    """The services of these teams, by name."""
    return Service.objects.filter(team__in=team_list).order_by("name")


def queue_services(team_ids: set[int] | None) -> list[Service]:
    """The online services of these teams (``None``: every team), by name, for the queue's
    service filter."""
    found = services_online()
    if team_ids is not None:
        found = found.filter(team_id__in=team_ids)
    return list(found.order_by("name"))


def case_visible_to(user, reference: str) -> Case | None:
    """The case with this reference, if ``user`` may see it; None otherwise, so a case of a team
    they cannot see reads as one that does not exist."""
    case = case_by_reference(reference)
    return case if case is not None and can_see_case(user, case) else None
