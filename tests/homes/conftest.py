"""Homes with households and sensors, over the gazetteer's properties."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from borough.people.models import ConsentBasis, Household, Need, ResidentNeed
from borough.places.models import Property
from tests.factories import ResidentFactory


@pytest.fixture
def homes(catalogue, gazetteer):
    """Four current properties, each with a household of one tenant with a phone; the first
    household has a health condition recorded with consent."""
    uprns = list(
        Property.objects.filter(is_current=True).order_by("uprn").values_list("uprn", flat=True)[:4]
    )
    tenants = []
    for index, uprn in enumerate(uprns):
        household = Household.objects.create(property_id=uprn, moved_in=dt.date(2020, 1, 1))
        tenants.append(
            ResidentFactory(household=household, phone=f"+4477009009{index:02d}")
        )
    ResidentNeed.objects.create(
        resident=tenants[0], need=Need.HEALTH, consent_basis=ConsentBasis.EXPLICIT_CONSENT,
        consent_recorded_at=timezone.now(),
    )
    return {"uprns": uprns, "tenants": tenants}
