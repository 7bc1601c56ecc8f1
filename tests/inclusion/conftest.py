"""A small digital inclusion world: the starter eligibility rules (migration), a library and a
charity as partners each with a member, an inclusion officer, two devices and a session."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from borough.accounts.models import Role, Team
from borough.core.actors import ResidentActor, StaffActor
from borough.inclusion.models import Device, Partner, SkillsSession
from borough.inclusion.rules import default_rules_ensure
from borough.inclusion.services import nominate
from tests.factories import ResidentFactory, ResidentUserFactory, StaffFactory


@pytest.fixture
def agent(db):
    """An agent of the Resident Hub (without loading the whole catalogue: it is slow)."""
    team, _ = Team.objects.get_or_create(slug="customer-experience", name="Resident Hub")
    return StaffFactory(
        email="agent@council.example", membership__team=team, membership__role=Role.AGENT
    )


@pytest.fixture
def world(db):
    return build_world()


def build_world() -> dict:
    """The world, for the fixture and the browser test (which needs it made in its own
    transaction)."""
    team, _ = Team.objects.get_or_create(slug="digital-inclusion", name="Digital inclusion")
    officer = StaffFactory(
        email="inclusion.officer@council.example",
        membership__team=team,
        membership__role=Role.OFFICER,
    )
    library = Partner.objects.create(name="Central Library", kind=Partner.Kind.LIBRARY)
    charity = Partner.objects.create(name="Age Well", kind=Partner.Kind.CHARITY)
    librarian = ResidentUserFactory(email="librarian@library.example")
    library.members.add(librarian)
    helper = ResidentUserFactory(email="helper@agewell.example")
    charity.members.add(helper)
    user = ResidentUserFactory(email="ama@example.com")
    ama = ResidentFactory(first_name="Ama", last_name="Owusu", email="ama@example.com", user=user)
    laptop = Device.objects.create(kind="laptop", serial_number="LP-001", model_name="Lenovo 100e")
    spare = Device.objects.create(kind="laptop", serial_number="LP-002", model_name="Lenovo 100e")
    start = timezone.now() + dt.timedelta(days=3)
    session = SkillsSession.objects.create(
        title="Getting started online",
        venue="Central Library",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        capacity=2,
    )
    return {
        "officer": officer,
        "library": library,
        "charity": charity,
        "librarian": librarian,
        "helper": helper,
        "ama": ama,
        "user": user,
        "laptop": laptop,
        "spare": spare,
        "session": session,
        "rules": default_rules_ensure(),
    }


@pytest.fixture
def nominated(world):
    """Ama nominated by the library: lives in the borough, no device, looking for work."""
    rules = world["rules"]
    return nominate(
        actor=ResidentActor(user=world["librarian"]),
        resident=world["ama"],
        partner=world["library"],
        kind_wanted="laptop",
        reason="Needs to apply for jobs online",
        rule_ids=[rules["lives-in-borough"].pk, rules["no-device"].pk, rules["job-seeking"].pk],
        consent=True,
    )


@pytest.fixture
def officer_actor(world):
    return StaffActor(world["officer"])
