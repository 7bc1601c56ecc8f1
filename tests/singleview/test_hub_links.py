"""Single view and hub as one world (issue 17 point 14a): a hub resident's page links to their
single view person ("linked" or "possible match"), and a single view person links to the hub
resident and their cases, each only for those the existing policies let see it."""

from __future__ import annotations

import datetime as dt

import pytest

from borough.accounts.models import Membership, Role
from borough.core.actors import SystemActor
from borough.core.models import AuditEvent
from borough.singleview.services import linkage_import
from tests.factories import ResidentFactory, StaffFactory
from tests.signing_in import staff_login

from .conftest import team
from .linkage_files import PERSON_AMA, PERSON_AMY

pytestmark = pytest.mark.django_db

IMPORTER = SystemActor("tests")
AMA_DOB = dt.date(1980, 3, 27)


def _ama(**fields):
    return ResidentFactory(first_name="Ama", last_name="Owusu", date_of_birth=AMA_DOB, **fields)


@pytest.fixture
def data_and_waste_officer(catalogue):
    """In the data team (the single view) and the waste team (missed-bin cases)."""
    user = StaffFactory(membership__team=team("data"), membership__role=Role.OFFICER)
    Membership.objects.create(user=user, team=team("waste"), role=Role.OFFICER)
    return user


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_resident_page_links_to_their_linked_single_view_person(
    client, linkage_file, make_case, data_and_waste_officer
):
    resident = _ama()
    make_case(resident=resident)
    linkage_import(actor=IMPORTER, path=linkage_file(resident_id=resident.pk))
    staff_login(client, data_and_waste_officer)
    page = _page(client, f"/hub/residents/{resident.pk}/")
    assert f'href="/hub/single-view/people/{PERSON_AMA}/">{PERSON_AMA}</a> (linked)' in page


def test_resident_page_offers_a_possible_match_by_name_date_of_birth_and_email(
    client, linkage_file, make_case, data_and_waste_officer
):
    # Borough's residents are not a linkage source here: the golden record agrees on name,
    # date of birth and email (ama.o@example.com).
    resident = _ama(email="Ama.O@example.com")
    make_case(resident=resident)
    namesake = _ama(email="someone.else@example.com")  # no email or postcode in common
    make_case(resident=namesake)
    linkage_import(actor=IMPORTER, path=linkage_file())
    staff_login(client, data_and_waste_officer)
    page = _page(client, f"/hub/residents/{resident.pk}/")
    assert f"{PERSON_AMA}</a> (possible match)" in page
    assert PERSON_AMY not in page
    page = _page(client, f"/hub/residents/{namesake.pk}/")
    assert "no linked or possibly matching person" in page
    assert PERSON_AMA not in page
    page = _page(client, f"/hub/single-view/people/{PERSON_AMA}/")
    assert "Borough resident (possible match)" in page
    assert f"/hub/residents/{resident.pk}/" in page
    assert f"/hub/residents/{namesake.pk}/" not in page


def test_only_the_data_team_sees_the_single_view_link_on_a_resident_page(
    client, linkage_file, make_case, waste_officer
):
    resident = _ama()
    make_case(resident=resident)
    linkage_import(actor=IMPORTER, path=linkage_file(resident_id=resident.pk))
    staff_login(client, waste_officer)
    page = _page(client, f"/hub/residents/{resident.pk}/")
    assert PERSON_AMA not in page and "/hub/single-view/" not in page


def test_person_page_links_the_resident_and_their_cases_for_those_who_may_see_them(
    client, linkage_file, make_case, data_and_waste_officer, data_officer
):
    resident = _ama()
    case = make_case(resident=resident)
    linkage_import(actor=IMPORTER, path=linkage_file(resident_id=resident.pk))
    staff_login(client, data_and_waste_officer)
    page = _page(client, f"/hub/single-view/people/{PERSON_AMA}/")
    assert "Borough resident (linked)" in page
    assert f'href="/hub/residents/{resident.pk}/"' in page
    assert f'href="/hub/cases/{case.reference}/"' in page
    assert AuditEvent.objects.filter(object_type="linked_person", object_id=PERSON_AMA).exists()
    # A data officer outside the case's team may not open the resident or their cases (the
    # hub would refuse them): they see who it is, but no links and no cases.
    client.logout()
    staff_login(client, data_officer)
    page = _page(client, f"/hub/single-view/people/{PERSON_AMA}/")
    assert "Borough resident (linked)" in page and "Ama Owusu" in page
    assert f"/hub/residents/{resident.pk}/" not in page
    assert case.reference not in page
    assert client.get(f"/hub/residents/{resident.pk}/").status_code == 403
