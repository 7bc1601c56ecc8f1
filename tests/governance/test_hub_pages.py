"""The governance pages in the hub: who may use them, the register's forms, the record of
processing, retention with holds, and a subject access request from logging to release."""

import io
import zipfile

import pytest
from django.test import Client
from django.utils import timezone

from borough.core.models import AuditEvent
from borough.governance.models import InformationAsset, LegalHold, SubjectAccessRequest
from borough.people.models import ResidentNeed
from tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db

PAGES = [
    "/hub/governance/",
    "/hub/governance/register/new/",
    "/hub/governance/record-of-processing/",
    "/hub/governance/record-of-processing.csv",
    "/hub/governance/retention/",
    "/hub/governance/requests/",
    "/hub/governance/requests/new/",
    "/hub/governance/erasure/",
    "/hub/governance/breaches/",
    "/hub/governance/breaches/new/",
    "/hub/governance/dpias/",
    "/hub/governance/dpias/new/",
    "/hub/governance/rights/",
    "/hub/governance/rights/new/rectification/",
    "/hub/governance/rights/new/objection/",
]


@pytest.fixture
def officer_client(governance_officer, staff_login):
    client = Client()
    staff_login(client, governance_officer)
    return client


def test_staff_outside_governance_are_refused_every_page(waste_officer, staff_login):
    client = Client()
    staff_login(client, waste_officer)
    for path in PAGES:
        assert client.get(path).status_code == 403, path
    assert "Information governance" not in client.get("/hub/").content.decode()


def test_governance_staff_see_every_page(officer_client):
    for path in PAGES:
        assert officer_client.get(path).status_code == 200, path
    assert "Information governance" in officer_client.get("/hub/").content.decode()


def test_adding_an_entry_shows_errors_keeps_what_was_typed_and_then_saves(officer_client):
    response = officer_client.post(
        "/hub/governance/register/new/",
        {"name": "Parking permits", "special_category": "yes", "lawful_basis": "public_task"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Select the Article 9 condition" in page and 'value="Parking permits"' in page
    assert not InformationAsset.objects.exists()
    response = officer_client.post(
        "/hub/governance/register/new/",
        {
            "name": "Parking permits",
            "owner": "Head of Parking",
            "purpose": "Issuing permits",
            "lawful_basis": "public_task",
            "special_category": "no",
            "data_categories": "Names, addresses, vehicle registrations",
            "people_categories": "Residents and visitors",
            "where_held": "Taranto, hosted",
            "retention": "2 years after the permit ends",
            "security_measures": "Supplier ISO 27001",
            "dpia_status": "not_needed",
        },
    )
    asset = InformationAsset.objects.get()
    assert response["Location"] == f"/hub/governance/register/own:{asset.pk}/"
    assert "Head of Parking" in officer_client.get(response["Location"]).content.decode()
    csv_text = officer_client.get("/hub/governance/record-of-processing.csv").content.decode()
    assert "Parking permits" in csv_text and "6(1)(e) Public task" in csv_text


def test_holds_are_placed_with_clear_errors_and_released(officer_client, make_case):
    case = make_case()
    response = officer_client.post("/hub/governance/retention/holds/", {"reason": "Claim"})
    assert response.status_code == 400
    assert "Enter a request reference or a resident number" in response.content.decode()
    response = officer_client.post(
        "/hub/governance/retention/holds/", {"reference": "NOPE-0000", "reason": "x"}
    )
    assert "There is no request with this reference" in response.content.decode()
    assert not LegalHold.objects.exists()
    officer_client.post(
        "/hub/governance/retention/holds/", {"reference": case.reference, "reason": "Claim"}
    )
    hold = LegalHold.objects.get()
    assert case.reference in officer_client.get("/hub/governance/retention/").content.decode()
    officer_client.post(f"/hub/governance/retention/holds/{hold.pk}/release/")
    hold.refresh_from_db()
    assert hold.released_at is not None


def test_a_request_from_logging_to_release(officer_client, make_case):
    ama = ResidentFactory(first_name="Ama", last_name="Owusu")
    make_case(resident=ama)
    need = ResidentNeed.objects.create(
        resident=ama,
        need="hearing",
        consent_basis="explicit_consent",
        consent_recorded_at=timezone.now(),
    )
    response = officer_client.post(
        "/hub/governance/requests/new/",
        {"requester_name": "", "resident": str(ama.pk), "received_on-day": "40"},
    )
    assert response.status_code == 400
    assert "Enter the name of the person who asked" in response.content.decode()
    today = timezone.localdate()
    response = officer_client.post(
        "/hub/governance/requests/new/",
        {
            "requester_name": "Ama Owusu",
            "resident": str(ama.pk),
            "received_on-day": today.day,
            "received_on-month": today.month,
            "received_on-year": today.year,
        },
    )
    sar = SubjectAccessRequest.objects.get()
    page = officer_client.get(response["Location"]).content.decode()
    assert "Deaf or hard of hearing" in page
    assert AuditEvent.objects.filter(
        object_type="subject_access_request", action="viewed", resident_id=ama.pk
    ).exists()
    # Releasing before checking identity is refused.
    refused = officer_client.post(f"/hub/governance/requests/{sar.pk}/release/")
    assert "Check the person&#x27;s identity" in refused.content.decode()
    assert officer_client.get(f"/hub/governance/requests/{sar.pk}/package.zip").status_code == 404
    officer_client.post(
        f"/hub/governance/requests/{sar.pk}/",
        {
            "withhold": [f"resident_need:{need.pk}"],
            "reason": "Third party's personal data",
            "identity_checked": "yes",
        },
    )
    officer_client.post(f"/hub/governance/requests/{sar.pk}/release/")
    sar.refresh_from_db()
    assert sar.status == "released"
    download = officer_client.get(f"/hub/governance/requests/{sar.pk}/package.zip")
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    assert "Owusu" in archive.read("data.json").decode()
    assert "hearing" not in archive.read("data.json").decode()


def test_erasure_needs_confirming_and_then_erases(officer_client):
    from borough.governance.models import ErasureRecord
    from borough.people.models import Resident

    person = ResidentFactory(first_name="Zebedee")
    response = officer_client.post(
        "/hub/governance/erasure/", {"resident": str(person.pk), "reason": "They asked"}
    )
    assert response.status_code == 400
    assert "Confirm that this person" in response.content.decode()
    assert Resident.objects.filter(pk=person.pk).exists()
    response = officer_client.post(
        "/hub/governance/erasure/",
        {"resident": str(person.pk), "reason": "They asked", "confirm": "yes"},
    )
    assert response.status_code == 302
    assert not Resident.objects.filter(pk=person.pk).exists()
    assert ErasureRecord.objects.get().resident_id == person.pk


def test_a_breach_is_logged_with_its_clock_and_the_people_affected(officer_client, waste_officer):
    from borough.core.services import audit_record
    from borough.governance.models import Breach

    response = officer_client.post("/hub/governance/breaches/new/", {"title": "Lost laptop"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter what happened" in page and 'value="Lost laptop"' in page
    assert not Breach.objects.exists()
    found = timezone.localtime() - timezone.timedelta(hours=2)
    response = officer_client.post(
        "/hub/governance/breaches/new/",
        {
            "title": "Lost laptop",
            "description": "Left on a train",
            "discovered-day": found.day,
            "discovered-month": found.month,
            "discovered-year": found.year,
            "discovered_time": f"{found:%H:%M}",
            "risk": "risk",
            "data_categories": "Names and needs",
        },
    )
    breach = Breach.objects.get()
    page = officer_client.get(response["Location"]).content.decode()
    assert "Tell the ICO by" in page
    seen = ResidentFactory()
    audit_record(
        actor=waste_officer, action="viewed", object_type="resident", object_id=seen.pk,
        resident_id=seen.pk,
    )  # fmt: skip
    today = timezone.localdate()
    officer_client.post(
        f"/hub/governance/breaches/{breach.pk}/",
        {
            "action": "affected",
            "staff_email": waste_officer.email,
            **{f"{p}-{k}": v for p in ("start", "end") for k, v in
               (("day", today.day), ("month", today.month), ("year", today.year))},
        },
    )  # fmt: skip
    breach.refresh_from_db()
    assert breach.affected_resident_ids == [seen.pk]
    officer_client.post(
        f"/hub/governance/breaches/{breach.pk}/", {"action": "reported", "ico_reference": "IC-9"}
    )
    breach.refresh_from_db()
    assert breach.ico_reference == "IC-9"


def test_a_rectification_is_logged_and_decided_in_the_hub_and_bad_input_keeps_nothing(
    officer_client, waste_officer, staff_login
):
    from borough.governance.models import RightsRequest
    from borough.notify.models import Message

    ama = ResidentFactory(first_name="Ama", last_name="Owsu", email="ama@example.com")
    today = timezone.localdate()
    form = {
        "requester_name": "Ama Owusu", "resident": str(ama.pk), "received_on-day": today.day,
        "received_on-month": today.month, "received_on-year": today.year,
        "record": "resident", "resident_field": "last_name", "corrected_value": "",
        "grounds": "My surname is misspelt",
    }  # fmt: skip
    refused = officer_client.post("/hub/governance/rights/new/rectification/", form)
    assert refused.status_code == 400 and "Enter the correct name" in refused.content.decode()
    assert "My surname is misspelt" in refused.content.decode()  # what was typed is kept
    assert not RightsRequest.objects.exists()
    made = officer_client.post(
        "/hub/governance/rights/new/rectification/", {**form, "corrected_value": "Owusu"}
    )
    request = RightsRequest.objects.get()
    assert made["Location"] == f"/hub/governance/rights/{request.pk}/"
    page = f"/hub/governance/rights/{request.pk}/"
    assert "Held: Owsu" in officer_client.get(page).content.decode()
    # Another team's officer may not decide it.
    other = Client()
    staff_login(other, waste_officer)
    assert other.post(page, {"decision": "upheld", "reasons": "x"}).status_code == 403
    no_reasons = officer_client.post(page, {"decision": "upheld", "reasons": ""})
    assert no_reasons.status_code == 400 and "Enter the reasons" in no_reasons.content.decode()
    done = officer_client.post(page, {"decision": "upheld", "reasons": "Passport seen"})
    assert done.status_code == 302
    ama.refresh_from_db()
    assert ama.last_name == "Owusu"
    assert Message.objects.filter(to="ama@example.com", template="rights_outcome").exists()
    assert "By email to ama@example.com" in officer_client.get(page).content.decode()
