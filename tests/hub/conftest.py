"""Fixtures of the hub's tests: a resident's missed bin case and a highways officer (the case
page's tests, ``tests/hub/test_case_page*.py``)."""

import pytest

from borough.accounts.models import Role, Team
from borough.people.models import Resident
from tests.factories import StaffFactory


@pytest.fixture
def case(make_case):
    return make_case(
        resident=Resident.objects.create(
            first_name="Ama", last_name="Owusu", email="ama@example.com"
        )
    )


@pytest.fixture
def highways_officer(catalogue):
    return StaffFactory(
        first_name="Hal",
        membership__team=Team.objects.get(slug="highways"),
        membership__role=Role.OFFICER,
    )
