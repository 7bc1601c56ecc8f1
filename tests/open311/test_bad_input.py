"""Bad input gets the right status and an error document in the format asked for, and
writes nothing."""

from __future__ import annotations

import json

import pytest

from borough.clients.models import ApiClient

from .conftest import form_post, parse_json, parse_xml

pytestmark = pytest.mark.django_db

BASE = "/open311/v2/"


def errors_of(response, fmt: str) -> list[tuple[int, str]]:
    if fmt == "xml":
        root = parse_xml(response, "errors")
        return [(int(e.findtext("code")), e.findtext("description")) for e in root.iter("error")]
    return [(e["code"], e["description"]) for e in parse_json(response)]


def assert_refused(response, fmt: str, status: int, words: str) -> None:
    assert response.status_code == status, response.content
    errors = errors_of(response, fmt)
    assert errors and all(code == status for code, _ in errors)
    assert any(words in description for _, description in errors), errors


@pytest.fixture
def refused(client, counts):
    """Post, check the refusal, and check that no case or event was written."""

    def check(url, fields, status, words, fmt="xml", **extra):
        before = counts()
        if isinstance(fields, dict | list):
            response = form_post(client, f"{BASE}{url}.{fmt}", fields, **extra)
        else:
            response = client.post(f"{BASE}{url}.{fmt}", fields, **extra)
        assert_refused(response, fmt, status, words)
        assert counts() == before
        return response

    return check


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_unknown_service_code_is_404(client, catalogue, fmt, refused, pothole_fields):
    assert_refused(client.get(f"{BASE}services/no-such-thing.{fmt}"), fmt, 404, "no-such-thing")
    refused(
        "requests", {**pothole_fields, "service_code": "no-such-thing"}, 404, "no-such-thing", fmt
    )


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_missing_required_attributes_are_400_naming_them(fmt, refused, pothole_fields):
    fields = {k: v for k, v in pothole_fields.items() if k != "attribute[size]"}
    refused("requests", fields, 400, "attribute[size]", fmt)


@pytest.mark.parametrize(
    ("attribute", "value", "words"),
    [
        ("attribute[size]", "enormous", "attribute[size]"),
        ("attribute[depth]", "very deep", "attribute[depth]"),
    ],
)
def test_wrong_datatypes_are_400(attribute, value, words, refused, pothole_fields):
    refused("requests", {**pothole_fields, attribute: value}, 400, words)


def test_a_date_attribute_that_is_not_a_date_is_400(refused, catalogue, gazetteer, fms_key):
    fields = {
        "api_key": fms_key,
        "service_code": "report-missed-bin",
        "attribute[uprn]": "100021500001",
        "attribute[bin_type]": "general_waste",
        "attribute[bin_out]": "yes",
        "attribute[collection_date]": "2026-13-45T99:00:00Z",
    }
    refused("requests", fields, 400, "collection_date")
    refused(
        "requests", {**fields, "attribute[collection_date]": "2001-01-01"}, 400, "collection_date"
    )


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"lat": "north", "long": "-0.47"}, "lat must be a number"),
        ({"lat": "95", "long": "-0.47"}, "lat must be between"),
        ({"lat": "", "long": ""}, "A location is required"),
        ({"lat": "", "long": "", "address_string": "Acacia Avenue"}, "address_string alone"),
        ({"lat": "40.0", "long": "-74.0"}, "outside the council's area"),
        ({"attribute[uprn]": "999"}, "location"),
        ({"attribute[uprn]": "ten"}, "attribute[uprn] must be a UPRN"),
    ],
)
def test_locations_that_cannot_be_placed_are_400(changes, words, refused, pothole_fields):
    refused("requests", {**pothole_fields, **changes}, 400, words)


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_api_key_missing_wrong_or_inactive_is_403(fmt, refused, pothole_fields, admin):
    without = {k: v for k, v in pothole_fields.items() if k != "api_key"}
    refused("requests", without, 403, "api_key is required", fmt)
    refused("requests", {**without, "api_key": "brgh_wrong"}, 403, "not valid", fmt)
    ApiClient.objects.update(is_active=False)
    refused("requests", pothole_fields, 403, "deactivated", fmt)


def test_a_key_without_the_open311_scope_is_403(refused, pothole_fields, reader_key):
    refused("requests", {**pothole_fields, "api_key": reader_key}, 403, "open311.post")


def test_malformed_bodies_are_400(refused, pothole_fields, fms_key):
    form = "application/x-www-form-urlencoded"
    refused("requests", "api_key&&==", 400, "form body", content_type=form)
    refused("requests", b"\xff\xfe", 400, "UTF-8", content_type=form)
    refused("requests", "{not json", 400, "not valid JSON", content_type="application/json")
    refused("requests", "[1, 2]", 400, "object", content_type="application/json")
    refused("requests", "<request><api_key>", 400, "not well-formed XML", content_type="text/xml")
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><request><api_key>&b;</api_key></request>'
    )
    refused("requests", bomb, 400, "XML", content_type="text/xml")
    refused("requests", "anything", 400, "x-www-form-urlencoded", content_type="text/plain")


def test_json_and_xml_bodies_are_read_like_the_form(client, pothole_fields, counts):
    body = {k: v for k, v in pothole_fields.items() if not k.startswith("attribute[")}
    body["attribute"] = {"where_on_street": "road", "size": pothole_fields["attribute[size]"]}
    response = client.post(
        f"{BASE}requests.json", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    xml = "".join(f"<{k}>{v}</{k}>" for k, v in body.items() if k != "attribute")
    xml = (
        f"<request>{xml}<attribute><where_on_street>road</where_on_street>"
        f"<size>{body['attribute']['size']}</size></attribute></request>"
    )
    response = client.post(f"{BASE}requests.xml", xml, content_type="text/xml")
    assert response.status_code == 200, response.content
    assert counts()[0] == 2


@pytest.mark.parametrize("size_mb", [1.1, 10])
def test_bodies_over_one_megabyte_are_413(size_mb, refused, pothole_fields):
    fields = {**pothole_fields, "description": "x" * int(size_mb * 1024 * 1024)}
    refused("requests", fields, 413, "larger than 1 MB")
    refused("servicerequestupdates", fields, 413, "larger than 1 MB")


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_unknown_request_ids_are_404(client, catalogue, fmt, refused, fms_key):
    assert_refused(client.get(f"{BASE}requests/BO-NOPE.{fmt}"), fmt, 404, "BO-NOPE")
    assert_refused(client.get(f"{BASE}tokens/forged.{fmt}"), fmt, 404, "forged")
    update = {
        "api_key": fms_key,
        "service_request_id": "BO-NOPE",
        "status": "OPEN",
        "description": "Hello",
    }
    refused("servicerequestupdates", update, 404, "BO-NOPE", fmt)


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"start_date": "yesterday"}, "start_date must be a date and time"),
        ({"start_date": "2026-11-05T13:15:30"}, "time zone"),
        ({"end_date": "2026-99-01T00:00:00Z"}, "end_date"),
        ({"start_date": "2026-11-05T00:00:00Z", "end_date": "2026-11-01T00:00:00Z"}, "before"),
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-11-01T00:00:00Z"}, "90 days"),
        ({"status": "pending"}, "status must be open or closed"),
    ],
)
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_bad_search_dates_and_statuses_are_400(client, catalogue, params, words, fmt):
    assert_refused(client.get(f"{BASE}requests.{fmt}", params), fmt, 400, words)


def test_bad_update_dates_are_400(client, catalogue):
    assert_refused(
        client.get(f"{BASE}servicerequestupdates.xml", {"start_date": "soon"}),
        "xml",
        400,
        "start_date",
    )


def test_other_jurisdictions_formats_and_methods_are_refused(client, catalogue):
    assert_refused(
        client.get(f"{BASE}services.xml", {"jurisdiction_id": "elsewhere.gov"}),
        "xml",
        404,
        "elsewhere.gov",
    )
    assert_refused(client.get(f"{BASE}services.html"), "xml", 404, ".html")
    assert_refused(client.post(f"{BASE}services.json"), "json", 405, "GET")


@pytest.fixture
def reported(client, pothole_fields):
    return parse_json(form_post(client, f"{BASE}requests.json", pothole_fields))[0][
        "service_request_id"
    ]


@pytest.mark.parametrize(
    ("changes", "status", "words"),
    [
        ({"status": "MAYBE"}, 400, "status must be one of"),
        ({"status": ""}, 400, "status is required"),
        ({"service_request_id": ""}, 400, "service_request_id is required"),
        ({"updated_datetime": "last tuesday"}, 400, "updated_datetime"),
        ({"description": "x" * 2001}, 400, "2,000 characters"),
        ({"media_url": "javascript:alert(1)"}, 400, "media_url"),
        ({"status": "OPEN", "description": ""}, 400, "changes nothing"),
        # The street-defect workflow does not go from received to fixed in one step.
        ({"status": "FIXED"}, 400, "does not allow"),
        ({"api_key": "brgh_wrong"}, 403, "not valid"),
    ],
)
def test_bad_updates_are_refused_and_write_nothing(
    changes, status, words, refused, reported, fms_key
):
    update = {
        "api_key": fms_key,
        "service_request_id": reported,
        "status": "OPEN",
        "description": "Any news?",
        **changes,
    }
    refused("servicerequestupdates", update, status, words)


def test_a_client_over_its_rate_limit_is_told_to_wait(client, pothole_fields, settings):
    ApiClient.objects.update(rate_limit="1/h")
    assert form_post(client, f"{BASE}requests.xml", pothole_fields).status_code == 200
    response = form_post(client, f"{BASE}requests.xml", pothole_fields)
    assert_refused(response, "xml", 429, "Too many requests")
    assert int(response["Retry-After"]) > 0
