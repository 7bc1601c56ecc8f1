"""The portal's busiest pages make as many SQL queries with five times the data as with one: no
page loads its rows one by one (bench/portal.py measures them on the 100,000-resident demo)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from borough.cases.workflow import case_add_note
from borough.contacts.services import form_session_save, form_session_start
from borough.core.actors import StaffActor
from borough.core.channels import Channel
from borough.people.models import Household
from borough.places.models import Property
from tests.factories import ResidentFactory, ResidentUserFactory

START = "/services/report-missed-bin/"
UPRNS = (100021500001, 100021500002, 100021500003, 100021500004, 100021500005)


@pytest.fixture
def resident(db, gazetteer):
    user = ResidentUserFactory(email="ama@example.com")
    household = Household.objects.create(property=Property.objects.get(uprn=UPRNS[0]))
    return ResidentFactory(first_name="Ama", email=user.email, user=user, household=household)


def add_data(times: int, resident, make_case, catalogue, officer) -> None:
    """``times`` of everything the pages show: the resident's requests with public updates,
    saved forms (for different services) and other residents with their own requests."""
    services = [service for service in catalogue.values() if service.is_online]
    for n in range(times):
        case = make_case(UPRNS[n % len(UPRNS)], resident=resident)
        case_add_note(case=case, text="On its way.", actor=StaffActor(officer), public=True)
        saved = form_session_start(service=services[n % len(services)], channel=Channel.WEB)
        form_session_save(token=saved.token, user=resident.user, answers={}, postcodes={})
        other = ResidentFactory(user=ResidentUserFactory())
        make_case(UPRNS[(n + 1) % len(UPRNS)], resident=other)


def page_queries(client) -> dict[str, int]:
    response = client.post(START)  # starts (or carries on) the journey: a form session
    question = response["Location"]
    assert "/questions/" in question
    counts = {}
    for path in ("/", START, question, "/my-account/"):
        client.get(path)  # the first request after signing in also touches the session
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, path
        counts[path] = len(queries)
    return counts


@pytest.mark.django_db
def test_portal_pages_make_the_same_number_of_queries_with_five_times_the_data(
    client, resident, make_case, catalogue, waste_officer
):
    client.force_login(resident.user)
    add_data(1, resident, make_case, catalogue, waste_officer)
    once = page_queries(client)
    add_data(4, resident, make_case, catalogue, waste_officer)
    five_times = page_queries(client)

    page = client.get("/my-account/").content.decode()
    assert page.count("/my-account/requests/") >= 5  # the dashboard does show all five
    assert five_times == once
