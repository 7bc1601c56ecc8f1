"""A small directory for tests: two needs, two organisations, three published services, one
representative and one member of the directory team."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from borough.accounts.models import Role, Team
from borough.directory.models import (
    CostOption,
    Location,
    Organisation,
    Schedule,
    Service,
    TaxonomyTerm,
)
from tests.factories import ResidentUserFactory, StaffFactory


def build_directory() -> SimpleNamespace:
    """Needs the catalogue (the directory team) and the sample gazetteer loaded."""
    food = TaxonomyTerm.objects.create(code="food", name="Food", keywords="food bank, hungry")
    debt = TaxonomyTerm.objects.create(
        code="money-and-debt", name="Money and debt advice", keywords="debt, bills"
    )
    bank = Organisation.objects.create(
        name="Hillside Food Bank", description="A food bank.", website="https://foodbank.example"
    )
    advice = Organisation.objects.create(name="Borough Advice", description="Free advice.")
    # Near UB8 1QA (the sample gazetteer's Acacia Avenue) and about 3 miles away.
    near = Location.objects.create(
        organisation=bank,
        name="Church hall",
        address_1="1 High St",
        city="Uxbridge",
        postcode="UB8 1QB",
        latitude="51.5460",
        longitude="-0.4790",
    )
    far = Location.objects.create(
        organisation=advice,
        name="Advice centre",
        address_1="9 Station Rd",
        city="Hayes",
        postcode="UB3 1AA",
        latitude="51.5030",
        longitude="-0.4210",
    )
    parcels = Service.objects.create(
        organisation=bank,
        name="Emergency food parcels",
        description="Three days of food.",
        url="https://foodbank.example/parcels",
        phone="020 7946 0101",
        minimum_age=18,
        eligibility="Anyone in need",
        assured_date=dt.date(2026, 11, 1),
    )
    parcels.taxonomy_terms.set([food])
    parcels.locations.set([near])
    Schedule.objects.create(
        service=parcels, byday="MO,WE", opens_at=dt.time(10), closes_at=dt.time(13)
    )
    CostOption.objects.create(service=parcels, amount=0, amount_description="Free")
    debt_advice = Service.objects.create(
        organisation=advice,
        name="Debt advice",
        description="Help with debts and bills.",
        url="https://advice.example/debt",
    )
    debt_advice.taxonomy_terms.set([debt])
    debt_advice.locations.set([far])
    pantry = Service.objects.create(
        organisation=advice,
        name="Community pantry",
        description="Food at low cost.",
        url="https://advice.example/pantry",
        email="pantry@advice.example",
    )
    pantry.taxonomy_terms.set([food])
    pantry.locations.set([far])
    CostOption.objects.create(service=pantry, amount=None, amount_description="£3.50 a week")
    rep = ResidentUserFactory(email="rep@foodbank.example")
    bank.representatives.add(rep)
    officer = StaffFactory(
        email="directory.officer@council.example",
        membership__team=Team.objects.get(slug="directory"),
        membership__role=Role.OFFICER,
    )
    return SimpleNamespace(
        food=food,
        debt=debt,
        bank=bank,
        advice=advice,
        near=near,
        far=far,
        parcels=parcels,
        debt_advice=debt_advice,
        pantry=pantry,
        rep=rep,
        officer=officer,
    )
