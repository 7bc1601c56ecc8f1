"""Every Open311 resource, in XML and JSON, against the specification and its schemas."""

from __future__ import annotations

import pytest

from borough.catalogue.models import Service

from .conftest import assert_valid, form_post, parse_json, parse_xml, xml_to_spark

pytestmark = pytest.mark.django_db

BASE = "/open311/v2/"


def both(client, path: str, root: str, **params):
    """The resource's XML (as the Spark convention maps it) and JSON, which must agree."""
    xml = client.get(f"{BASE}{path}.xml", params)
    data = client.get(f"{BASE}{path}.json", params)
    assert xml.status_code == data.status_code == 200
    from_xml = xml_to_spark(parse_xml(xml, root))
    from_json = parse_json(data)
    return from_xml, from_json


def test_discovery_names_the_specification_and_both_formats(client, catalogue):
    from_xml, from_json = both(client, "discovery", "discovery")
    endpoint = from_json["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert endpoint["url"].endswith("/open311/v2")
    assert from_xml["endpoints"][0]["formats"] == endpoint["formats"]


def test_services_list_every_service_a_client_can_complete(client, catalogue):
    from_xml, from_json = both(client, "services", "services")
    assert from_xml == from_json
    assert_valid("services.json", from_json)
    codes = {s["service_code"] for s in from_json}
    assert {"report-pothole", "report-missed-bin", "report-fly-tipping"} <= codes
    # A required upload cannot be sent over Open311 (clients send media_url instead).
    assert "apply-for-resident-parking-permit" not in codes
    pothole = next(s for s in from_json if s["service_code"] == "report-pothole")
    assert pothole["metadata"] is True
    assert pothole["type"] == "realtime"
    assert pothole["group"] == "Roads and travel"
    assert pothole["groups"] == ["Roads and travel"]


@pytest.mark.parametrize(
    "code", ["report-pothole", "report-missed-bin", "book-bulky-waste-collection"]
)
def test_service_definitions_come_from_the_form_definition(client, catalogue, code):
    from_xml, from_json = both(client, f"services/{code}", "service_definition")
    assert from_xml == from_json
    assert_valid("service-definition.json", from_json)
    form = catalogue[code].form
    codes = [a["code"] for a in from_json["attributes"]]
    # The location, contact details and uploads come through the standard fields.
    assert form.location_question.id not in codes
    assert all(form.by_id[c].type not in {"email", "name", "phone", "file"} for c in codes)
    assert [a["order"] for a in from_json["attributes"]] == list(range(1, len(codes) + 1))
    for attribute in from_json["attributes"]:
        question = form.by_id[attribute["code"]]
        assert attribute["description"] == question.label
        if question.type == "selection":
            assert [v["key"] for v in attribute["values"]] == [o.value for o in question.options]


def test_datatypes_follow_the_question_types(client, catalogue):
    data = parse_json(client.get(f"{BASE}services/book-bulky-waste-collection.json"))
    types = {a["code"]: a["datatype"] for a in data["attributes"]}
    assert types["item_count"] == "number"
    assert types["item_types"] == "multivaluelist"
    assert types["preferred_date"] == "datetime"
    data = parse_json(client.get(f"{BASE}services/report-pothole.json"))
    assert {a["code"]: a["datatype"] for a in data["attributes"]}["size"] == "singlevaluelist"


def test_posting_a_request_answers_with_its_reference_and_a_token(client, pothole_fields):
    for fmt, parse in (("xml", None), ("json", parse_json)):
        response = form_post(client, f"{BASE}requests.{fmt}", pothole_fields)
        assert response.status_code == 200
        if fmt == "xml":
            body = xml_to_spark(parse_xml(response, "service_requests"))
        else:
            body = parse(response)
        assert_valid("swagger:post", body)
        assert body[0]["service_request_id"]
        token = body[0]["token"]
        by_token = parse_json(client.get(f"{BASE}tokens/{token}.json"))
        assert_valid("swagger:token", by_token)
        assert by_token[0]["service_request_id"] == body[0]["service_request_id"]
        token_xml = xml_to_spark(
            parse_xml(client.get(f"{BASE}tokens/{token}.xml"), "service_requests")
        )
        assert token_xml == by_token


def test_requests_and_one_request_validate_in_both_formats(client, pothole_fields):
    reference = parse_json(form_post(client, f"{BASE}requests.json", pothole_fields))[0][
        "service_request_id"
    ]
    from_xml, from_json = both(client, "requests", "service_requests")
    assert from_xml == from_json
    assert_valid("requests.json", from_json)
    assert [r["service_request_id"] for r in from_json] == [reference]
    request = from_json[0]
    assert request["status"] == "open"
    assert request["service_code"] == "report-pothole"
    assert request["description"] == "A deep pothole by the bus stop"
    assert request["lat"] == pytest.approx(51.54521)
    assert request["requested_datetime"].endswith("Z")
    one_xml, one_json = both(client, f"requests/{reference}", "service_requests")
    assert one_xml == one_json == from_json
    assert_valid("requests.json", one_json)


def test_requests_filter_by_id_code_status_and_dates(client, pothole_fields):
    first = parse_json(form_post(client, f"{BASE}requests.json", pothole_fields))[0]
    second = parse_json(form_post(client, f"{BASE}requests.json", pothole_fields))[0]
    ids = f"{first['service_request_id']},{second['service_request_id']}"
    found = parse_json(client.get(f"{BASE}requests.json", {"service_request_id": ids}))
    assert {r["service_request_id"] for r in found} == set(ids.split(","))
    assert parse_json(client.get(f"{BASE}requests.json", {"status": "closed"})) == []
    assert len(parse_json(client.get(f"{BASE}requests.json", {"status": "open"}))) == 2
    assert parse_json(client.get(f"{BASE}requests.json", {"service_code": "report-litter"})) == []
    old = {"start_date": "2020-01-01T00:00:00Z", "end_date": "2020-02-01T00:00:00Z"}
    assert parse_json(client.get(f"{BASE}requests.json", old)) == []


def test_home_addresses_are_shown_in_full_only_to_keys_that_may_read_cases(
    client, catalogue, gazetteer, fms_key, reader_key
):
    # A council that lists missed bins in public (``private: false`` in its catalogue): the
    # home address is still given only as its street to callers without cases.read.
    Service.objects.filter(slug="report-missed-bin").update(is_private=False)
    fields = {
        "api_key": fms_key,
        "service_code": "report-missed-bin",
        "attribute[uprn]": "100021500001",
        "attribute[bin_type]": "general_waste",
        "attribute[bin_out]": "yes",
        "attribute[collection_date]": __import__("datetime").date.today().isoformat(),
    }
    reference = parse_json(form_post(client, f"{BASE}requests.json", fields))[0][
        "service_request_id"
    ]
    public = parse_json(client.get(f"{BASE}requests/{reference}.json"))[0]
    assert public["address_id"] is None
    assert "1 Acacia" not in (public["address"] or "")
    full = parse_json(client.get(f"{BASE}requests/{reference}.json", {"api_key": reader_key}))[0]
    assert full["address_id"] == "100021500001"
    assert full["address"].startswith("1 ACACIA AVENUE") or "Acacia" in full["address"].title()


def test_service_request_updates_validate_and_list_public_changes(
    client, pothole_fields, reader_key
):
    reference = parse_json(form_post(client, f"{BASE}requests.json", pothole_fields))[0][
        "service_request_id"
    ]
    response = form_post(
        client,
        f"{BASE}servicerequestupdates.xml",
        {
            "api_key": pothole_fields["api_key"],
            "service_request_id": reference,
            "status": "INVESTIGATING",
            "description": "An inspector is on the way",
            "updated_datetime": "2026-11-25T10:00:00Z",
            "update_id": "77",
        },
    )
    assert response.status_code == 200
    update_id = xml_to_spark(parse_xml(response, "service_request_updates"))[0]["update_id"]
    from_xml, from_json = both(
        client, "servicerequestupdates", "service_request_updates", api_key=reader_key
    )
    assert from_xml == from_json
    update = next(u for u in from_json if u["update_id"] == update_id)
    assert update["service_request_id"] == reference
    assert update["status"] == "INVESTIGATING"
    assert update["description"] == "An inspector is on the way"
    assert update["updated_datetime"].endswith("Z")
    # Without a key, what happened in Borough's words, never the text (issue 16).
    public = parse_json(client.get(f"{BASE}servicerequestupdates.json"))
    public_update = next(u for u in public if u["update_id"] == update_id)
    assert public_update["description"] != "An inspector is on the way"
    request = parse_json(client.get(f"{BASE}requests/{reference}.json", {"api_key": reader_key}))[0]
    assert request["status"] == "open"
    assert request["status_notes"] == "An inspector is on the way"
    assert parse_json(client.get(f"{BASE}requests/{reference}.json"))[0]["status_notes"] is None
    extended = parse_json(
        client.get(f"{BASE}requests/{reference}.json", {"extended_statuses": "true"})
    )[0]
    assert extended["status"] == "investigating"


def test_the_requests_list_takes_a_constant_number_of_queries(
    client, pothole_fields, django_assert_max_num_queries
):
    for _ in range(3):
        form_post(client, f"{BASE}requests.json", pothole_fields)
    with django_assert_max_num_queries(4):
        assert len(parse_json(client.get(f"{BASE}requests.json"))) == 3
