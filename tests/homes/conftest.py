"""Homes with households and sensors, over the gazetteer's properties."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from borough.accounts.models import Role, Team
from borough.homes import simulator, telemetry
from borough.homes.ingest import Ingestor
from borough.homes.management.commands.homes_simulate import register
from borough.homes.pipeline import ingest_and_evaluate
from borough.homes.telemetry import FloodGuard
from borough.people.models import ConsentBasis, Household, Need, ResidentNeed
from borough.places.models import Property
from tests.factories import ResidentFactory, ResidentUserFactory, StaffFactory


@pytest.fixture(autouse=True)
def _own_topics(monkeypatch):
    """Topics of this test alone: anything else publishing on the broker is not counted."""
    monkeypatch.setattr(telemetry, "TOPIC_PREFIX", f"test-{uuid.uuid4().hex[:12]}/homes/v1/")


@pytest.fixture
def homes(catalogue, gazetteer):
    """Four current properties, each with a household of one tenant (the second without a
    phone); the first tenant has an account and a health condition recorded with consent."""
    uprns = list(
        Property.objects.filter(is_current=True).order_by("uprn").values_list("uprn", flat=True)[:4]
    )
    tenants = []
    for index, uprn in enumerate(uprns):
        household = Household.objects.create(property_id=uprn, moved_in=dt.date(2020, 1, 1))
        tenants.append(
            ResidentFactory(
                household=household,
                # The second tenant has no phone: the sensors' repair must not wait for one.
                phone="" if index == 1 else f"+4477009009{index:02d}",
                user=ResidentUserFactory() if index == 0 else None,
            )
        )
    ResidentNeed.objects.create(
        resident=tenants[0],
        need=Need.HEALTH,
        consent_basis=ConsentBasis.EXPLICIT_CONSENT,
        consent_recorded_at=timezone.now(),
    )
    return {"uprns": uprns, "tenants": tenants}


@pytest.fixture
def seeded(homes):
    """The simulator's homes (first damp, second a failing boiler), 80 hours of readings
    ingested in this process (no broker: page tests need data, not the network)."""
    sim = simulator.homes(homes["uprns"], damp=1, boilers=1, silent=1)
    register(sim)
    now = timezone.now()
    raw = [(t, p, 0.0) for t, p in simulator.history(sim, now=now, hours=80)]
    ingest_and_evaluate(Ingestor(FloodGuard(limit=10**6)), raw, now=now)
    return {**homes, "sim": sim, "now": now}


@pytest.fixture
def housing_officer(catalogue):
    return StaffFactory(
        email="housing.officer@council.example",
        membership__team=Team.objects.get(slug="housing-repairs"),
        membership__role=Role.OFFICER,
    )


@pytest.fixture
def housing_lead(catalogue):
    return StaffFactory(
        email="housing.lead@council.example",
        membership__team=Team.objects.get(slug="housing-repairs"),
        membership__role=Role.TEAM_LEAD,
    )
