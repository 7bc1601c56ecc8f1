"""An officer of the complaints and information team takes a subject access request from
logging to release in a browser; every governance page passes axe at 375px and 1280px."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from borough.accounts.models import Role, Team
from borough.core.actors import StaffActor
from borough.governance.breaches import breach_log
from borough.governance.services import asset_save
from borough.people.models import ProcessingObjection, ResidentNeed
from tests.factories import ResidentFactory, StaffFactory

WIDTHS = (375, 1280)
ENTRY = {
    "name": "Housing benefit system",
    "owner": "Head of Revenues",
    "purpose": "Assessing housing benefit",
    "lawful_basis": "legal_obligation",
    "special_category": "yes",
    "article9_condition": "substantial_public_interest",
    "data_categories": "Names, income, health",
    "people_categories": "Claimants",
    "where_held": "On premises",
    "retention": "6 years",
    "security_measures": "Role-based access",
    "dpia_status": "done",
}


@pytest.mark.django_db(transaction=True)
def test_an_officer_takes_a_subject_access_request_from_logging_to_release(
    visit, live_server, catalogue, make_case
):
    officer = StaffFactory(
        membership__team=Team.objects.get(slug="complaints-and-information"),
        membership__role=Role.OFFICER,
    )
    ama = ResidentFactory(first_name="Ama", last_name="Owusu", email="ama@example.com")
    make_case(resident=ama)
    ResidentNeed.objects.create(
        resident=ama,
        need="hearing",
        consent_basis="explicit_consent",
        consent_recorded_at=timezone.now(),
    )
    staff = visit(javascript=True, width=1280, csp_for_axe=True)
    staff.sign_in(live_server, officer)
    page = staff.page
    page.goto(f"{live_server.url}/hub/")
    page.get_by_role("link", name="Information governance").click()
    page.get_by_role("link", name="Subject access requests").click()
    page.get_by_role("button", name="Log a request").click()
    page.get_by_role("button", name="Log the request").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    staff.assert_accessible()
    received = timezone.localdate() - dt.timedelta(days=3)
    page.get_by_label("Name of the person who asked").fill("Ama Owusu")
    page.get_by_label("Their resident number").fill(str(ama.pk))
    page.get_by_label("Day").fill(str(received.day))
    page.get_by_label("Month").fill(str(received.month))
    page.get_by_label("Year").fill(str(received.year))
    page.get_by_role("button", name="Log the request").click()
    expect(page.get_by_text("is logged: reply by")).to_be_visible()
    expect(page.get_by_text("Deaf or hard of hearing")).to_be_visible()
    staff.assert_accessible()
    # Release is refused until the identity is checked.
    page.get_by_role("button", name="Release the package").click()
    expect(page.get_by_text("Check the person's identity").first).to_be_visible()
    page.get_by_label("Withhold: Deaf or hard of hearing", exact=False).check()
    page.get_by_label("Why the newly selected items are withheld").select_option(
        "Third party's personal data"
    )
    page.get_by_label("I have checked the person's identity").check()
    page.get_by_role("button", name="Save the review").click()
    expect(page.get_by_text("Your review is saved: 1 items withheld")).to_be_visible()
    page.get_by_role("button", name="Release the package").click()
    expect(page.get_by_text("The package is released")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the package").click()
    assert download.value.suggested_filename.endswith(".zip")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF alone").click()
    assert download.value.suggested_filename.endswith(".pdf")
    pdf_text = " ".join(p.extract_text() for p in PdfReader(download.value.path()).pages)
    assert "Ama Owusu" in pdf_text and "Deaf or hard of hearing" not in pdf_text  # withheld
    staff.assert_accessible()
    visited_release = page.url.removeprefix(live_server.url)

    # An objection, from logging to the decision the person is told of (issue 23, point 4).
    page.goto(f"{live_server.url}/hub/governance/")
    page.get_by_role("link", name="Rectification and objection").click()
    page.get_by_role("button", name="Log an objection").click()
    page.get_by_label("Name of the person who asked").fill("Ama Owusu")
    page.get_by_label("Their resident number").fill(str(ama.pk))
    page.get_by_label("Day").fill(str(received.day))
    page.get_by_label("Month").fill(str(received.month))
    page.get_by_label("Year").fill(str(received.year))
    page.get_by_label("Sending their words to the council's language model").check()
    page.get_by_label("Their grounds").fill("I do not want a model reading my messages")
    page.get_by_role("button", name="Log the request").click()
    expect(page.get_by_text("is logged: decide it by")).to_be_visible()
    page.get_by_label("Uphold: stop the processing for this person").check()
    page.get_by_label("Reasons for the decision").fill("No compelling grounds")
    page.get_by_role("button", name="Decide and tell the person").click()
    expect(page.get_by_text("is upheld: By email to ama")).to_be_visible()
    assert ProcessingObjection.objects.filter(resident=ama, activity="assistant_llm").exists()
    staff.assert_accessible()
    visited = [
        "/hub/governance/",
        "/hub/governance/register/new/",
        "/hub/governance/record-of-processing/",
        "/hub/governance/retention/",
        "/hub/governance/requests/",
        "/hub/governance/requests/new/",
        "/hub/governance/erasure/",
        "/hub/governance/breaches/",
        "/hub/governance/breaches/new/",
        "/hub/governance/dpias/",
        "/hub/governance/dpias/new/",
        visited_release,
    ]  # the rectification and objection pages: in test_every_page
    asset = asset_save(actor=StaffActor(officer), data=ENTRY)
    breach = breach_log(
        actor=StaffActor(officer),
        title="Lost laptop",
        description="Left on a train",
        discovered_at=timezone.now(),
        risk="risk",
        systems=[f"own:{asset.pk}"],
        data_categories="Names",
    )
    visited += [
        f"/hub/governance/register/own:{asset.pk}/",
        f"/hub/governance/register/{asset.pk}/edit/",
        f"/hub/governance/breaches/{breach.pk}/",
    ]
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for path in visited:
            page.goto(live_server.url + path)
            staff.assert_accessible()
            if path.endswith(("/new/", "/retention/", "/erasure/")):  # the error state too
                page.locator("main button[type=submit]").last.click()
                expect(page.get_by_text("There is a problem")).to_be_visible()
                staff.assert_accessible()
            fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            assert fits, f"{path} overflows sideways at {width}px"
