"""Reading what the hub keeps: the queue's filters as a query string, and saved views."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import QueryDict

from borough.accounts.models import Membership
from borough.cases.lists import SORTS, CaseFilters
from borough.cases.models import Status

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


def queue_filters(
    params: QueryDict, *, team_ids: set[int] | None
) -> tuple[CaseFilters, int | None]:
    """The queue's filters from a query string, and the team chosen (if any).

    ``team_ids`` are the teams the user may see (``None``: every team). Asking by URL for
    another team's cases shows the user's own: the team filter never widens what they see.
    Values that make no sense are ignored, not errors: a link someone edited still works.
    """
    chosen_team = _int(params.get("team", ""))
    if chosen_team is not None and team_ids is not None and chosen_team not in team_ids:
        chosen_team = None
    status = params.get("status", "")
    state = params.get("state", "")
    sort = params.get("sort", "")
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
    """The filters as a canonical query string (defaults left out), for links and saved views."""
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
    query = QueryDict(mutable=True)
    for name in QUEUE_PARAMS:
        if values[name] not in ("", None):
            query[name] = str(values[name])
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
