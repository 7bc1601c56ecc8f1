"""Shared fixtures for the process engine's tests: the shipped processes loaded once per test
(through ``load_shipped``, as ``manage.py load_processes`` does) and a case to run them on."""

from __future__ import annotations

import pytest

from borough.processes.shipped import load_shipped


@pytest.fixture
def processes(catalogue):
    return {definition.key: definition for definition in load_shipped()}


@pytest.fixture
def benefits_case(catalogue, gazetteer):
    """A case of the benefits team (the team that does financial assessments)."""
    from borough.cases.create import case_create
    from borough.core.actors import ResidentActor
    from borough.core.channels import Channel

    def make():
        return case_create(
            actor=ResidentActor(),
            service=catalogue["benefits-and-council-tax-reduction"],
            channel=Channel.WEB,
            answers={
                "help_with": "council_tax",
                "address": 100021500001,
                "universal_credit": "pension_credit",
                "income": 250,
                "people": 1,
                "name": "Ada Lovelace",
                "date_of_birth": "1940-03-31",
                "email": "ada@example.org",
            },
        )

    return make


@pytest.fixture
def benefits_officer(catalogue):
    from borough.accounts.models import Role, Team
    from tests.factories import StaffFactory

    return StaffFactory(
        email="benefits.officer@council.example",
        membership__team=Team.objects.get(slug="benefits"),
        membership__role=Role.OFFICER,
    )
