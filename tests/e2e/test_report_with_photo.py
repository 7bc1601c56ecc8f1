"""A signed-in resident reports fly-tipping with a photo and a location found by postcode and
street (no map), in a real browser without JavaScript: a disguised program is refused, the photo
is kept re-encoded, the request shows in MyAccount, and the resident says how satisfied they
were. Every page is checked with axe-core."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from borough.cases.models import Case
from borough.contacts.models import Feedback
from tests.factories import ResidentFactory, ResidentUserFactory


def photo_bytes() -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", (640, 480), (90, 120, 60))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make: metadata that must not be kept
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_resident_reports_fly_tipping_with_a_photo(visit, live_server, catalogue, gazetteer):
    user = ResidentUserFactory(email="ama@example.com")
    ResidentFactory(first_name="Ama", email="ama@example.com", user=user)
    resident = visit(javascript=False, width=375)
    resident.sign_in(live_server, user)
    page = resident.page
    page.goto(f"{live_server.url}/services/report-fly-tipping/")
    page.get_by_role("button", name="Start now").click()

    # Location without a map: postcode, then the street, then a description of the place.
    page.get_by_label("Postcode").fill("UB8 1QA")
    page.get_by_role("button", name="Find address").click()
    resident.assert_accessible()
    page.locator("input[name=location]").first.check()
    page.get_by_label("Describe exactly where it is").fill("In the alley behind number 4")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Furniture or mattresses").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("About a car boot load").check()
    page.get_by_role("button", name="Continue").click()

    # A program renamed to look like a photo is refused, and nothing typed so far is lost.
    upload = page.get_by_label("Add a photo of the fly-tipping")
    upload.set_input_files(
        {"name": "mattress.jpg", "mimeType": "image/jpeg", "buffer": b"MZ\x90\x00" + b"\x00" * 64}
    )
    page.get_by_role("button", name="Continue").click()
    assert "must be a JPG or PNG" in page.locator(".govuk-error-summary").inner_text()
    resident.assert_accessible()
    page.get_by_label("Add a photo of the fly-tipping").set_input_files(
        {"name": "mattress.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes()}
    )
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Continue").click()  # who dumped it: optional, left empty
    page.get_by_label("No, or I do not know").check()  # nothing in it shows whose it is
    page.get_by_role("button", name="Continue").click()

    check = page.locator(".govuk-summary-list").inner_text()
    assert "In the alley behind number 4" in check and "mattress.jpg" in check
    assert "Furniture or mattresses" in check
    resident.assert_accessible()
    page.get_by_role("button", name="Send").click()
    reference = page.get_by_test_id("reference").inner_text()
    resident.assert_accessible()

    case = Case.objects.get(reference=reference)
    assert case.resident.user_id == user.pk
    assert case.street_id is not None and case.property_id is None
    assert case.location_description == "In the alley behind number 4"
    stored = case.answers["photo"]
    from django.core.files.storage import default_storage

    from borough.catalogue.models import Upload

    kept_upload = Upload.objects.get(pk=stored["upload"], case=case, answer="photo")
    with default_storage.open(kept_upload.path) as kept:
        image = Image.open(kept)
        assert image.size == (640, 480) and not image.getexif()

    # Satisfaction on the confirmation page.
    page.get_by_label("Very satisfied").check()
    page.get_by_role("button", name="Send feedback").click()
    expect(page.locator("body")).to_contain_text("Thank you for your feedback")
    feedback = Feedback.objects.get()
    assert (feedback.score, feedback.point) == (5, "submitted")
    assert feedback.service_id == case.service_id

    # The request is in MyAccount.
    page.goto(f"{live_server.url}/my-account/")
    assert reference in page.get_by_test_id("my-requests").inner_text()
    resident.assert_accessible()
    assert resident.console_errors == []
