"""The team dashboard."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone

from borough.accounts.policies import dashboard_team_ids
from borough.cases.dashboard import team_dashboard

from ..access import staff_required


@staff_required
def dashboard(request):
    """Per team and per officer: open, due today, overdue, created and closed this week.
    Admins see every team; team leads and officers their own teams; agents are refused."""
    team_ids = dashboard_team_ids(request.user)
    if team_ids is not None and not team_ids:
        raise PermissionDenied
    now = timezone.now()
    return render(
        request,
        "hub/dashboard.html",
        {"teams": team_dashboard(team_ids=team_ids, now=now), "today": timezone.localdate(now)},
    )
