"""An officer works a case page in a real browser, without JavaScript: a response template is
filled in and sent, a duplicate is suggested, cases are linked; a team lead manages templates.
Every page is checked with axe-core."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from borough.accounts.models import Role, Team
from borough.cases.models import Case, ResponseTemplate, Status
from tests.factories import PASSWORD, StaffFactory
from tests.signing_in import sign_in_on_pages


def sign_in(visit, live_server, user):
    """Sign in on the real pages: password, then a code from the authenticator app."""
    visit.page.goto(live_server.url + "/account/login/")
    sign_in_on_pages(visit.page, user, PASSWORD)


@pytest.mark.django_db(transaction=True)
def test_an_officer_uses_a_template_sees_duplicates_and_links_cases(visit, live_server, make_case):
    case, nearby, related = make_case(), make_case(100021500002), make_case(100021500004)
    Case.objects.filter(pk=related.pk).update(latitude=Decimal("51.560000"))
    waste = Team.objects.get(slug="waste")
    now = timezone.now()
    ResponseTemplate.objects.create(
        team=waste,
        service=case.service,
        status=Status.NEW,
        title="Crew booked",
        body="Hello {resident_first_name}, a crew will return by {due_date}. Ref {reference}.",
        created_at=now,
        updated_at=now,
    )
    lead = StaffFactory(
        email="lead@council.example", membership__team=waste, membership__role=Role.TEAM_LEAD
    )
    officer = visit(javascript=False)
    page = officer.page
    sign_in(officer, live_server, lead)
    page.goto(f"{live_server.url}/hub/cases/{case.reference}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Case {case.reference}", use_inner_text=True
    )
    duplicates = page.locator("table", has_text="Possible duplicates")
    assert nearby.reference in duplicates.inner_text()
    assert related.reference not in duplicates.inner_text()
    officer.assert_accessible()

    # Link a related case (by reference), then see it on both pages.
    page.get_by_label("Reference of the related case").fill(related.reference)
    page.get_by_label("Why are they related? (optional)").fill("Same bin store")
    page.get_by_role("button", name="Link case").click()
    assert (
        f"Linked to {related.reference}" in page.locator(".govuk-notification-banner").inner_text()
    )
    officer.assert_accessible()

    # Use a response template: the text is filled in, edited and sent.
    page.get_by_label("Start from a response template").select_option(label="Crew booked")
    page.get_by_role("button", name="Use template").click()
    message = page.get_by_label("Message to the resident", exact=True)
    assert message.input_value().startswith("Hello there, a crew will return by ")
    assert case.reference in message.input_value()
    officer.assert_accessible()
    message.fill(message.input_value() + " Sorry for the trouble.")
    page.get_by_role("button", name="Send update").click()
    # The case has no resident to write to: the banner says where the update went.
    expect(page.locator("body")).to_contain_text(
        "The update is on the resident’s request page only. "
        "Not sent: no contact details for the resident"
    )
    expect(page.locator("body")).to_contain_text("Sorry for the trouble.")

    # An error on the page: a duplicate of itself.
    page.get_by_label("Or enter the reference of the original request").fill(case.reference)
    page.get_by_role("button", name="Mark as duplicate", exact=True).click()
    assert (
        "A case cannot be a duplicate of itself"
        in page.locator(".govuk-error-summary").inner_text()
    )
    # axe reloads the page by GET, so it checks errors on a page a GET shows: a template that
    # is not for this case.
    page.goto(f"{live_server.url}/hub/cases/{case.reference}/?template=999999")
    assert "Choose a template from the list" in page.locator(".govuk-error-summary").inner_text()
    officer.assert_accessible()

    page.get_by_role("button", name=f"Mark as duplicate of {nearby.reference}").click()
    expect(page.locator("body")).to_contain_text(f"Closed as a duplicate of {nearby.reference}")
    assert page.locator(".govuk-error-summary").count() == 0, page.locator(
        ".govuk-error-summary"
    ).inner_text()
    officer.assert_accessible()
    page.get_by_role("link", name=f"Open {nearby.reference}").first.click()
    expect(page.locator("body")).to_contain_text(
        f"{case.reference} was closed as a duplicate of this case"
    )
    officer.assert_accessible()


@pytest.mark.django_db(transaction=True)
def test_a_team_lead_manages_response_templates(visit, live_server, catalogue):
    lead = StaffFactory(
        email="lead@council.example",
        membership__team=Team.objects.get(slug="waste"),
        membership__role=Role.TEAM_LEAD,
    )
    browser = visit(javascript=True, csp_for_axe=True)
    page = browser.page
    sign_in(browser, live_server, lead)
    page.get_by_role("link", name="Response templates").click()
    browser.assert_accessible()
    page.get_by_role("button", name="Add a template").click()
    browser.assert_accessible()
    page.get_by_label("Title").fill("Bin collected")
    page.get_by_label("Message").fill("Hello {first_name}")
    page.get_by_role("button", name="Save template").click()
    assert (
        "{first_name} is not a placeholder you can use"
        in page.locator(".govuk-error-summary").inner_text()
    )
    browser.assert_accessible()
    page.get_by_label("Message").fill("Hello {resident_first_name}, ref {reference}")
    page.get_by_label("Service", exact=True).select_option(label="Report a missed bin collection")
    page.get_by_role("button", name="Save template").click()
    expect(page.locator("body")).to_contain_text("Template 'Bin collected' saved")
    page.get_by_role("link", name="Bin collected", exact=True).click()
    browser.assert_accessible()
    page.get_by_role("link", name="Back to response templates").click()
    page.get_by_role("link", name="Delete Bin collected").click()
    browser.assert_accessible()
    page.get_by_role("button", name="Delete template").click()
    expect(page.locator("body")).to_contain_text("Template 'Bin collected' deleted")
    assert not ResponseTemplate.objects.filter(title="Bin collected").exists()
