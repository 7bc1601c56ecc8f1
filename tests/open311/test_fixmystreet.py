"""The exact sequence FixMyStreet's Open311 client sends (perllib/Open311.pm): a form-encoded
POST to requests.xml with the reporter's details and attribute[...] fields, then
servicerequestupdates.xml POSTs as the report's updates are made, reading XML back."""

from __future__ import annotations

import datetime as dt

import pytest

from borough.cases.models import Case, CaseEvent

from .conftest import form_post, parse_xml

pytestmark = pytest.mark.django_db

BASE = "/open311/v2/"


def test_a_fixmystreet_report_and_its_updates_become_a_case_and_its_timeline(
    client, catalogue, gazetteer, fms_key, reader_key
):
    # FixMyStreet reads the service list and the definition first.
    services = parse_xml(
        client.get(f"{BASE}services.xml", {"jurisdiction_id": "council.example"}), "services"
    )
    assert "report-missed-bin" in [s.findtext("service_code") for s in services]
    definition = parse_xml(
        client.get(f"{BASE}services/report-missed-bin.xml"), "service_definition"
    )
    assert [a.findtext("code") for a in definition.iter("attribute")][:2] == ["bin_type", "bin_out"]

    today = dt.date.today().isoformat()
    report = [
        ("jurisdiction_id", "council.example"),
        ("api_key", fms_key),
        ("service_code", "report-missed-bin"),
        (
            "description",
            "title: Bin not emptied\n\ndetail: Black bin left full\n\n"
            "url: https://fms.example/report/1234\n\nSubmitted via FixMyStreet\n",
        ),
        ("first_name", "Pat"),
        ("last_name", "Reporter"),
        ("email", "pat.reporter@example.com"),
        ("phone", "07700 900982"),
        ("lat", "51.54521"),
        ("long", "-0.47881"),
        ("media_url", "https://fms.example/photo/1234.0.full.jpeg"),
        ("attribute[uprn]", "100021500001"),
        ("attribute[bin_type]", "general_waste"),
        ("attribute[bin_out]", "yes"),
        ("attribute[collection_date]", f"{today}T07:00:00Z"),
        ("attribute[fixmystreet_id]", "1234"),
        ("attribute[easting]", "505321"),
        ("attribute[northing]", "183912"),
        ("attribute[title]", "Bin not emptied"),
        ("attribute[report_url]", "https://fms.example/report/1234"),
        ("attribute[closest_address]", "1 Acacia Avenue"),
    ]
    response = form_post(client, f"{BASE}requests.xml", report)
    assert response.status_code == 200, response.content
    created = parse_xml(response, "service_requests")
    reference = created.find("request").findtext("service_request_id")
    case = Case.objects.get(reference=reference)
    assert case.channel == "api"
    assert case.service.slug == "report-missed-bin"
    assert case.property_id == 100021500001
    assert case.answers["bin_type"] == "general_waste"
    assert case.answers["collection_date"] == today
    assert case.answers["details"].startswith("title: Bin not emptied")
    assert case.state == "received"
    assert case.contacts.get().channel == "api"

    # FixMyStreet retries a send it thinks failed: the same report is not made twice.
    again = parse_xml(form_post(client, f"{BASE}requests.xml", report), "service_requests")
    assert again.find("request").findtext("service_request_id") == reference
    assert Case.objects.count() == 1

    # The reporter comments on FixMyStreet: an OPEN update with text.
    update = [
        ("jurisdiction_id", "council.example"),
        ("api_key", fms_key),
        ("updated_datetime", "2026-11-25T10:15:00Z"),
        ("service_request_id", reference),
        ("status", "OPEN"),
        ("description", "Still not collected this morning"),
        ("last_name", "Reporter"),
        ("first_name", "Pat"),
        ("email", "pat.reporter@example.com"),
        ("update_id", "5001"),
    ]
    events_before = CaseEvent.objects.filter(case=case).count()
    response = form_post(client, f"{BASE}servicerequestupdates.xml", update)
    assert response.status_code == 200, response.content
    first_update = parse_xml(response, "service_request_updates").find("request_update")
    note = CaseEvent.objects.get(pk=int(first_update.findtext("update_id")))
    assert note.kind == CaseEvent.Kind.PUBLIC_UPDATE
    assert note.text == "Still not collected this morning"
    assert CaseEvent.objects.filter(case=case).count() == events_before + 1

    # The same update sent again is recognised by its update_id.
    response = form_post(client, f"{BASE}servicerequestupdates.xml", update)
    repeat = parse_xml(response, "service_request_updates").find("request_update")
    assert repeat.findtext("update_id") == first_update.findtext("update_id")
    assert CaseEvent.objects.filter(case=case).count() == events_before + 1

    # The report is marked fixed on FixMyStreet (extended statuses): the workflow's own state.
    fixed = [
        *update[:4],
        ("status", "FIXED"),
        ("description", "Collected now, thanks"),
        *update[6:9],
        ("update_id", "5002"),
    ]
    response = form_post(client, f"{BASE}servicerequestupdates.xml", fixed)
    assert response.status_code == 200, response.content
    case.refresh_from_db()
    assert (case.state, case.status, case.resolution) == ("fixed", "closed", "fixed")
    change = case.events.order_by("-id").first()
    assert change.kind == CaseEvent.Kind.STATUS_CHANGED
    assert change.text == "Collected now, thanks"
    assert change.data["source"]["update_id"] == "5002"
    assert CaseEvent.objects.filter(case=case).count() == events_before + 2

    # Reading back, as FixMyStreet's update fetcher does.
    listed = parse_xml(
        client.get(
            f"{BASE}servicerequestupdates.xml",
            {
                "start_date": "2000-01-01T00:00:00Z",
                "end_date": "2100-01-01T00:00:00Z",
                "api_key": fms_key,
            },
        ),
        "service_request_updates",
    )
    statuses = [
        (u.findtext("service_request_id"), u.findtext("status"))
        for u in listed.iter("request_update")
    ]
    assert (reference, "FIXED") in statuses
    # A missed bin is at a home: its request is read with a key that may read cases.
    request = parse_xml(
        client.get(f"{BASE}requests/{reference}.xml", {"api_key": reader_key}), "service_requests"
    )
    assert request.find("request").findtext("status") == "closed"
