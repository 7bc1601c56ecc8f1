from __future__ import annotations

import datetime as dt

import pytest

from borough.accounts.models import Role, Team
from tests.factories import StaffFactory

from .data import build_week


@pytest.fixture
def lead(catalogue):
    return StaffFactory(
        email="lead@council.example",
        membership__team=Team.objects.get(slug="waste"),
        membership__role=Role.TEAM_LEAD,
    )


@pytest.fixture
def week(catalogue, agent):
    """Seven days ending ten days ago (inside the dashboards' default 28 days)."""
    from django.utils import timezone

    first = timezone.localdate() - dt.timedelta(days=16)
    return build_week(first=first, catalogue=catalogue, agent=agent)
