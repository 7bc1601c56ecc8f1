import pytest

from borough.accounts.models import Role, Team
from tests.factories import StaffFactory

from .linkage_files import make_linkage_file


@pytest.fixture
def linkage_file(tmp_path):
    """``linkage_file(**options)``: write a small engine output file and return its path."""
    counter = iter(range(1000))

    def make(**options):
        return make_linkage_file(tmp_path / f"people-{next(counter)}.duckdb", **options)

    return make


@pytest.fixture
def data_officer(catalogue):
    return StaffFactory(
        email="data.officer@council.example",
        membership__team=Team.objects.get(slug="data"),
        membership__role=Role.OFFICER,
    )
