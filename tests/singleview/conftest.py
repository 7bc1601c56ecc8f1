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


def team(slug: str) -> Team:
    """A team as the catalogue makes it (loading the whole catalogue is slow and not needed)."""
    return Team.objects.get_or_create(slug=slug, defaults={"name": slug})[0]


@pytest.fixture
def data_officer(db):
    return StaffFactory(
        email="data.officer@council.example",
        membership__team=team("data"),
        membership__role=Role.OFFICER,
    )
