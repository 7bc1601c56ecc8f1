"""The request list written from rows (issue 24) is byte for byte the document the model-based
code wrote before it, in JSON and XML, with and without a key, with extended statuses.

``_before`` below is that code as it was (commit 0b67513): model instances, their property,
street and team, prefetched status changes, and ``formats.respond`` over ElementTree and
``json.dumps``. It stays here, and only here, as the reference the fast path must match.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Prefetch
from django.utils import timezone

from borough.api.open311 import mapping
from borough.api.open311.formats import respond
from borough.api.open311.views import MAX_RESULTS
from borough.cases.models import Case, CaseEvent
from borough.catalogue.models import Service

from .conftest import form_post, parse_json

pytestmark = pytest.mark.django_db

BASE = "/open311/v2/"


def _before_entry(case, *, full: bool, extended: bool, local_tz) -> dict:
    service = case.service
    form = service.form
    location_q = form.location_question
    home = location_q is not None and location_q.type == "address"
    description_q = mapping.description_question(form)
    description = None
    if description_q is not None and not description_q.personal_data:
        description = case.answers.get(description_q.id) or None
    elif description_q is None and not home:
        description = case.location_description or None
    prop, street = case.property, case.street
    address = address_id = zipcode = None
    if prop is not None and (full or not home):
        address, address_id, zipcode = prop.single_line, str(prop.uprn), prop.postcode
    elif street is not None:
        address = ", ".join(p for p in (street.name.title(), street.town.title()) if p)
    if case.location_description and (full or not home):
        address = (
            f"{case.location_description} ({address})" if address else case.location_description
        )
    places = 6 if (full or not home) else 3
    notes = [e for e in getattr(case, "public_status_events", []) if e.text] if full else []
    due = dt.datetime.combine(case.due_date, dt.time(17, 0), tzinfo=local_tz)
    status = (
        mapping.extended_status(case.state, case.status, case.resolution).lower()
        if extended
        else mapping.simple_status(case.status)
    )
    number = mapping._number
    return {
        "service_request_id": case.reference,
        "status": status,
        "status_notes": notes[-1].text if notes else None,
        "service_name": service.name,
        "service_code": service.slug,
        "description": description,
        "agency_responsible": case.team.name,
        "service_notice": None,
        "requested_datetime": case.created_at,
        "updated_datetime": case.updated_at,
        "expected_datetime": due,
        "address": address,
        "address_id": address_id,
        "zipcode": zipcode,
        "lat": number(case.latitude, places),
        "long": number(case.longitude, places),
        "media_url": None,
    }


def _before(fmt: str, *, full: bool, extended: bool) -> bytes:
    cases = Case.objects.all()
    if not full:
        cases = cases.filter(service__is_private=False)
    cases = cases.select_related("team", "property", "street", "property__usrn").prefetch_related(
        "service",
        Prefetch(
            "events",
            queryset=CaseEvent.objects.filter(kind=CaseEvent.Kind.STATUS_CHANGED, is_public=True)
            .exclude(data__has_key="from_resident")
            .order_by("at", "id"),
            to_attr="public_status_events",
        ),
    )
    found = cases.filter(service__is_online=True).order_by("-created_at", "-id")[:MAX_RESULTS]
    local_tz = timezone.get_current_timezone()
    body = [_before_entry(c, full=full, extended=extended, local_tz=local_tz) for c in found]
    return respond(fmt, "service_requests", body).content


@pytest.fixture
def varied_cases(client, catalogue, pothole_fields, fms_key, make_case):
    """Requests of every shape the list writes: a pothole with a description and a point, one
    with a status change and its notes, a missed bin at a home (private, then listed in
    public), one at a place with a description, and text with characters XML escapes."""
    first = parse_json(form_post(client, f"{BASE}requests.json", pothole_fields))[0]
    odd = {**pothole_fields, "description": 'Pothole <deep> & "wide", café ünder the bridge'}
    form_post(client, f"{BASE}requests.json", odd)
    update = {
        "api_key": fms_key,
        "service_request_id": first["service_request_id"],
        "status": "INVESTIGATING",
        "description": "An inspector is on the way & will <look>",
        "updated_datetime": "2026-11-25T10:00:00Z",
        "update_id": "1",
    }
    assert form_post(client, f"{BASE}servicerequestupdates.json", update).status_code == 200
    make_case()
    make_case(100021500002)
    Service.objects.filter(slug="report-missed-bin").update(is_private=False)
    at_a_place = make_case(100021500003)
    Case.objects.filter(pk=at_a_place.pk).update(location_description="By the side gate")
    # Winter and summer due dates: "Z" and "+01:00" in the expected time.
    Case.objects.filter(pk=at_a_place.pk).update(due_date=dt.date(2026, 7, 1))


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_request_list_is_byte_for_byte_what_it_was(client, varied_cases, reader_key, fmt):
    for extended in (False, True):
        for full in (False, True):
            params = {"extended_statuses": "true"} if extended else {}
            if full:
                params["api_key"] = reader_key
            response = client.get(f"{BASE}requests.{fmt}", params)
            assert response.status_code == 200
            assert response.content == _before(fmt, full=full, extended=extended), (
                fmt,
                full,
                extended,
            )
    assert b"&lt;look&gt;" in client.get(f"{BASE}requests.xml", {"api_key": reader_key}).content


def test_an_empty_list_is_what_it_was(client, catalogue):
    for fmt in ("json", "xml"):
        response = client.get(f"{BASE}requests.{fmt}")
        assert response.content == _before(fmt, full=False, extended=False)
