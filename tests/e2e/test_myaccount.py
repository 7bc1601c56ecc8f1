"""A resident follows their request in MyAccount in a real browser without JavaScript: opens
it, adds information, and after staff close it says it is not fixed. Staff read the message
the team was sent in the hub's outbox. Every page is checked with axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from borough.accounts.models import Role, Team
from borough.cases.models import Case
from borough.cases.tracking import case_tracking_token
from borough.cases.workflow import case_transition
from borough.core.actors import StaffActor
from borough.notify.models import Message
from borough.people.models import Household
from borough.places.models import Property
from tests.factories import ResidentFactory, ResidentUserFactory, StaffFactory


@pytest.mark.django_db(transaction=True)
def test_a_resident_adds_information_and_says_not_fixed(visit, live_server, make_case):
    user = ResidentUserFactory(email="ama@example.com")
    household = Household.objects.create(property=Property.objects.get(uprn=100021500001))
    ama = ResidentFactory(first_name="Ama", email="ama@example.com", user=user, household=household)
    case = make_case(resident=ama)
    waste = Team.objects.get(slug="waste")
    lead = StaffFactory(
        email="lead@council.example", membership__team=waste, membership__role=Role.TEAM_LEAD
    )

    resident = visit(javascript=False)
    resident.sign_in(live_server, user)
    page = resident.page
    page.goto(live_server.url + "/my-account/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account", use_inner_text=True)
    expect(page.locator("body")).to_contain_text("1 Acacia Avenue")
    resident.assert_accessible()

    page.get_by_role("link", name="Change phone number").click()
    page.get_by_label("Phone number (optional)").fill("not a number")
    page.get_by_role("button", name="Save").click()
    assert "Enter a telephone number" in page.locator(".govuk-error-summary").inner_text()
    resident.assert_accessible()
    page.get_by_label("Phone number (optional)").fill("07700 900982")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("body")).to_contain_text("Your details have been saved")

    page.get_by_role("link", name=case.service.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        case.service.name, use_inner_text=True
    )
    resident.assert_accessible()

    page.get_by_role("link", name="Add information or a photo").click()
    resident.assert_accessible()
    page.get_by_role("button", name="Send").click()
    assert (
        "Enter the information you want to add" in page.locator(".govuk-error-summary").inner_text()
    )
    resident.assert_accessible()
    page.get_by_label("What do you want to tell us?").fill("The bin is still full.")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("body")).to_contain_text("We have added your information")
    assert "The bin is still full." in page.get_by_test_id("timeline").inner_text()

    # Staff close it; the resident sees it closed and is asked how satisfied they were.
    officer = StaffFactory(membership__team=waste, membership__role=Role.OFFICER)
    case_transition(case=Case.objects.get(pk=case.pk), to_state="fixed", actor=StaffActor(officer))
    page.reload()
    expect(page.locator("body")).to_contain_text("How satisfied were you with this service?")
    resident.assert_accessible()

    page.get_by_role("link", name="Tell us it is not fixed").click()
    resident.assert_accessible()
    page.get_by_label("What is still wrong?").fill("Nobody came.")
    page.get_by_role("button", name="Reopen my request").click()
    expect(page.locator("body")).to_contain_text("We have reopened your request")
    assert "You told us it is not fixed" in page.get_by_test_id("timeline").inner_text()
    case.refresh_from_db()
    assert case.is_open

    # The team lead reads the message in the outbox.
    staff = visit(javascript=False)
    staff.sign_in(live_server, lead)
    staff.page.goto(f"{live_server.url}/hub/outbox/?case={case.reference}")
    staff.assert_accessible()
    told = Message.objects.filter(template="team_not_fixed").get()
    staff.page.get_by_role("link", name=told.subject).click()
    expect(staff.page.locator("body")).to_contain_text("Nobody came.")
    staff.assert_accessible()
    assert resident.console_errors == [] and staff.console_errors == []


@pytest.mark.django_db(transaction=True)
def test_the_tracking_page_works_without_signing_in(visit, live_server, make_case):
    case = make_case()
    browser = visit(javascript=False)
    page = browser.page
    page.goto(f"{live_server.url}/track/{case.reference}/{case_tracking_token(case)}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        case.service.name, use_inner_text=True
    )
    browser.assert_accessible()
    page.get_by_role("link", name="Add information or a photo").click()
    page.get_by_label("What do you want to tell us?").fill("x" * 2001)
    page.get_by_role("button", name="Send").click()
    assert "2,000 characters or fewer" in page.locator(".govuk-error-summary").inner_text()
    assert page.get_by_label("What do you want to tell us?").input_value() == "x" * 2001
    browser.assert_accessible()
