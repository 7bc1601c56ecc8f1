"""Fixtures for the community directory's tests (the records are made in ``world``)."""

from __future__ import annotations

import pytest

from .world import build_directory


@pytest.fixture
def directory(catalogue, gazetteer):
    return build_directory()


@pytest.fixture
def proposed():
    """The form a representative sends for a new service."""
    return {
        "name": "Baby bank",
        "description": "Clothes, nappies and prams for families.",
        "url": "https://foodbank.example/baby",
        "email": "",
        "phone": "",
        "eligibility": "",
        "minimum_age": "",
        "maximum_age": "",
        "cost": "",
        "days": ["TH"],
        "opens_at": "10:00",
        "closes_at": "12:00",
        "location": "",
        "needs": ["food"],
    }
