"""POST requests: every datatype, the standard fields, and where the case is placed."""

from __future__ import annotations

import datetime as dt

import pytest

from borough.cases.models import Case
from borough.contacts.models import Contact

from .conftest import form_post, parse_json

pytestmark = pytest.mark.django_db

BASE = "/open311/v2/"


def test_lists_numbers_dates_email_and_description_reach_the_answers(
    client, catalogue, gazetteer, fms_key
):
    when = dt.date.today() + dt.timedelta(days=7)
    fields = [
        ("api_key", fms_key),
        ("service_code", "book-bulky-waste-collection"),
        ("address_id", "100021500002"),
        ("attribute[item_count]", "2"),
        ("attribute[item_types][]", "furniture"),
        ("attribute[item_types][]", "fridges_and_freezers"),
        ("attribute[preferred_date]", f"{when.isoformat()}T09:00:00+01:00"),
        ("description", "A sofa and a fridge"),
        ("email", "sam@example.com"),
    ]
    response = form_post(client, f"{BASE}requests.json", fields)
    assert response.status_code == 200, response.content
    case = Case.objects.get(reference=parse_json(response)[0]["service_request_id"])
    assert case.property_id == 100021500002
    assert case.answers["item_count"] == 2
    assert case.answers["item_types"] == ["furniture", "fridges_and_freezers"]
    assert case.answers["preferred_date"] == when.isoformat()
    assert case.answers["item_list"] == "A sofa and a fridge"
    assert case.answers["email"] == "sam@example.com"
    contact = Contact.objects.get(case=case)
    assert contact.channel == "api"
    assert "Open311" in contact.reason


def test_number_rules_and_a_missing_email_are_refused_as_in_the_portal(
    client, catalogue, gazetteer, fms_key
):
    base = [
        ("api_key", fms_key),
        ("service_code", "book-bulky-waste-collection"),
        ("attribute[uprn]", "100021500002"),
        ("attribute[item_types]", "furniture"),
        ("attribute[preferred_date]", (dt.date.today() + dt.timedelta(days=3)).isoformat()),
        ("description", "A sofa"),
        ("email", "sam@example.com"),
    ]
    response = form_post(client, f"{BASE}requests.xml", [*base, ("attribute[item_count]", "9")])
    assert response.status_code == 400
    assert b"attribute[item_count]: Enter a number between 1 and 6" in response.content
    without_email = [pair for pair in base if pair[0] != "email"]
    response = form_post(
        client, f"{BASE}requests.xml", [*without_email, ("attribute[item_count]", "2")]
    )
    assert response.status_code == 400
    assert b"email: " in response.content
    assert not Case.objects.exists()


def test_a_point_on_a_street_keeps_the_point_and_the_street(client, pothole_fields):
    fields = {**pothole_fields, "lat": "51.545300", "long": "-0.478600"}
    response = form_post(client, f"{BASE}requests.json", fields)
    case = Case.objects.get(reference=parse_json(response)[0]["service_request_id"])
    assert case.property_id is None
    assert case.street_id == 20750001
    assert float(case.latitude) == pytest.approx(51.5453)
    assert float(case.longitude) == pytest.approx(-0.4786)
    assert case.answers["location"]["usrn"] == 20750001
    assert case.location_description == "A deep pothole by the bus stop"


def test_a_point_at_a_home_is_snapped_to_the_nearest_address(client, catalogue, gazetteer, fms_key):
    fields = {
        "api_key": fms_key,
        "service_code": "report-missed-bin",
        "lat": "51.545212",
        "long": "-0.478805",
        "attribute[bin_type]": "recycling",
        "attribute[bin_out]": "yes",
        "attribute[collection_date]": dt.date.today().isoformat(),
    }
    response = form_post(client, f"{BASE}requests.json", fields)
    assert response.status_code == 200, response.content
    case = Case.objects.get(reference=parse_json(response)[0]["service_request_id"])
    assert case.property_id == 100021500001


def test_an_idempotency_key_returns_the_first_case(client, pothole_fields):
    first = form_post(client, f"{BASE}requests.json", pothole_fields, HTTP_IDEMPOTENCY_KEY="k1")
    again = form_post(client, f"{BASE}requests.json", pothole_fields, HTTP_IDEMPOTENCY_KEY="k1")
    assert parse_json(first)[0]["service_request_id"] == parse_json(again)[0]["service_request_id"]
    assert Case.objects.count() == 1


def test_an_idempotency_key_replayed_with_a_different_body_is_refused(
    client, pothole_fields, counts
):
    form_post(client, f"{BASE}requests.json", pothole_fields, HTTP_IDEMPOTENCY_KEY="k2")
    before = counts()
    changed = {**pothole_fields, "attribute[where_on_street]": "pavement"}
    response = form_post(client, f"{BASE}requests.json", changed, HTTP_IDEMPOTENCY_KEY="k2")
    assert response.status_code == 422
    assert "different request" in parse_json(response)[0]["description"]
    assert counts() == before


def test_the_updates_list_takes_a_constant_number_of_queries(
    client, pothole_fields, django_assert_max_num_queries
):
    for _ in range(3):
        reference = parse_json(form_post(client, f"{BASE}requests.json", pothole_fields))[0][
            "service_request_id"
        ]
        update = {
            "api_key": pothole_fields["api_key"],
            "service_request_id": reference,
            "status": "INVESTIGATING",
            "description": "Inspector booked",
        }
        form_post(client, f"{BASE}servicerequestupdates.json", update)
    with django_assert_max_num_queries(3):
        assert len(parse_json(client.get(f"{BASE}servicerequestupdates.json"))) == 3


def test_an_address_id_that_is_not_a_uprn_is_ignored(client, pothole_fields):
    fields = {**pothole_fields, "address_id": "#NOTPINPOINTED#"}
    response = form_post(client, f"{BASE}requests.json", fields)
    assert response.status_code == 200, response.content
    assert Case.objects.get().street_id == 20750001
