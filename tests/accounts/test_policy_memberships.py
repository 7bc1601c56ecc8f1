"""Permission questions read a person's memberships once, and never answer from a stale read."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from borough.accounts.models import Membership, Role, Team
from borough.accounts.policies import (
    can_handle_live_chat,
    can_manage_api_clients,
    can_see_insights,
    may_use_single_view,
    visible_team_ids,
)


@pytest.mark.django_db
def test_many_questions_one_read(waste_officer):
    with CaptureQueriesContext(connection) as queries:
        answers = [
            can_see_insights(waste_officer),
            can_manage_api_clients(waste_officer),
            may_use_single_view(waste_officer),
            can_handle_live_chat(waste_officer),
            visible_team_ids(waste_officer),
        ]
    assert answers == [False, False, False, True, {Team.objects.get(slug="waste").pk}]
    assert len(queries) == 1


@pytest.mark.django_db
def test_a_promotion_or_removal_counts_at_once_on_the_same_user(waste_officer):
    assert not can_see_insights(waste_officer)
    membership = Membership.objects.get(user=waste_officer)
    membership.role = Role.TEAM_LEAD
    membership.save()
    assert can_see_insights(waste_officer)

    Membership.objects.create(
        user=waste_officer, team=Team.objects.get(slug="customer-experience"), role=Role.ADMIN
    )
    assert can_manage_api_clients(waste_officer)
    assert visible_team_ids(waste_officer) is None

    Membership.objects.filter(user=waste_officer).delete()
    assert not can_handle_live_chat(waste_officer)
    assert visible_team_ids(waste_officer) == set()


@pytest.mark.django_db
def test_a_renamed_team_counts_at_once(catalogue, waste_officer):
    data = Team.objects.get(slug="data")
    Membership.objects.create(user=waste_officer, team=data, role=Role.OFFICER)
    assert may_use_single_view(waste_officer)
    data.slug = "data-archive"
    data.save()
    assert not may_use_single_view(waste_officer)
