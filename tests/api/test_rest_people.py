"""Residents (audited), properties and contacts over the REST API."""

from __future__ import annotations

import pytest

from borough.clients.models import Scope
from borough.contacts.models import Contact
from borough.core.models import AuditEvent
from tests.factories import ResidentFactory

from .conftest import Api, assert_error

pytestmark = pytest.mark.django_db


def test_every_read_of_a_resident_is_audited(client, make_key, catalogue):
    resident = ResidentFactory(first_name="Sam", date_of_birth="1980-02-03")
    reader = Api(client, make_key(Scope.RESIDENTS_READ, name="Social care"))
    body = reader.get(f"/residents/{resident.pk}").json()
    assert body["first_name"] == "Sam" and body["date_of_birth"] == "1980-02-03"
    reader.get(f"/residents/{resident.pk}")
    audits = AuditEvent.objects.filter(object_type="resident", object_id=str(resident.pk))
    assert audits.count() == 2 and "Social care" in audits.first().summary
    assert_error(reader.get("/residents/999999"), 404, "not_found")


def test_properties_by_uprn_and_postcode(client, make_key, gazetteer):
    reader = Api(client, make_key(Scope.PROPERTIES_READ))
    prop = reader.get("/properties/100021500001").json()
    assert prop["uprn"] == 100021500001 and prop["postcode"]
    listed = reader.get("/properties", {"postcode": prop["postcode"].lower()}).json()
    assert 100021500001 in {p["uprn"] for p in listed}
    assert_error(reader.get("/properties/1"), 404, "not_found")


def test_contacts_are_recorded_and_read_back_by_cursor(api, make_case, rows):
    case = make_case()
    recorded = api.post(
        "/contacts",
        {
            "channel": "phone",
            "case": case.reference,
            "duration_seconds": 240,
            "reason": "Chasing",
            "outcome": "update_given",
        },
        idempotency_key="call-881",
    )
    assert recorded.status_code == 201, recorded.content
    assert recorded.json()["case"] == case.reference
    assert Contact.objects.filter(channel="phone", case=case).count() == 1
    before = rows()
    assert_error(api.post("/contacts", {"channel": "pigeon"}), 422, "validation_failed")
    assert_error(
        api.post("/contacts", {"channel": "phone", "case": "NOPE"}), 422, "validation_failed"
    )
    assert rows() == before
    first = api.get("/contacts", {"limit": 1}).json()
    assert first["data"][0]["channel"] == "phone" and first["next_cursor"]
    second = api.get("/contacts", {"limit": 1, "cursor": first["next_cursor"]}).json()
    assert second["data"][0]["channel"] == "web" and second["next_cursor"] is None
    assert (
        len(api.get("/contacts", {"case": case.reference, "channel": "phone"}).json()["data"]) == 1
    )
