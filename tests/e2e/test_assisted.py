"""An agent takes a phone call and raises a request for the resident, in a real browser."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from borough.accounts.models import Role, Team
from borough.cases.models import Case
from borough.core.channels import Channel
from tests.factories import ResidentFactory, StaffFactory


@pytest.mark.django_db(transaction=True)
def test_an_agent_raises_a_missed_bin_for_a_caller(visit, live_server, catalogue, gazetteer):
    resident = ResidentFactory(first_name="Ama", last_name="Owusu", email="ama@example.com")
    agent = StaffFactory(
        email="amir@council.example",
        membership__team=Team.objects.get(slug="customer-experience"),
        membership__role=Role.AGENT,
    )
    staff = visit(javascript=False)
    staff.sign_in(live_server, agent)
    page = staff.page
    page.goto(f"{live_server.url}/hub/residents/{resident.pk}/")
    page.get_by_role("link", name="Raise a request for Ama").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Raise a request for Ama Owusu", use_inner_text=True
    )
    page.get_by_role("button", name="Start").click()
    assert (
        "Choose the service the resident needs" in page.locator(".govuk-error-summary").inner_text()
    )
    staff.assert_accessible()
    page.get_by_label("Service", exact=True).select_option(label="Report a missed bin collection")
    page.get_by_label("Phone").check()
    page.get_by_role("button", name="Start").click()

    page.get_by_label("Postcode").fill("UB8 1QA")
    page.get_by_role("button", name="Find address").click()
    staff.assert_accessible()
    page.get_by_label("2 Acacia Avenue, Uxbridge, UB8 1QA").check()
    page.get_by_role("button", name="Continue").click()
    staff.assert_accessible()
    page.get_by_label("Recycling (blue bin)").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Continue").click()
    today = dt.date.today()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Continue").click()
    page.locator("textarea[name=details]").fill("Caller says the bin is by the gate")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check the answers with the resident", use_inner_text=True
    )
    staff.assert_accessible()
    page.get_by_label("Length of the phone contact in minutes (optional)").fill("4")
    page.get_by_role("button", name="Raise the request").click()

    case = Case.objects.get()
    assert (case.channel, case.resident_id, case.assisted_by_id) == (
        Channel.PHONE,
        resident.pk,
        agent.pk,
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Case {case.reference}", use_inner_text=True
    )
    expect(page.locator("body")).to_contain_text(f"Request {case.reference} raised for Ama Owusu")
    staff.assert_accessible()
