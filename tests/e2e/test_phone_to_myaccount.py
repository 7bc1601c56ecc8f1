"""One request from a phone call to the resident's account, in real browsers without JavaScript:
an agent takes the call and raises a missed bin for the resident; an officer finds it in the
work queue and closes it with a response template; the resident signs in and sees the update in
MyAccount. Every page on the way is checked with axe-core."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from borough.accounts.models import Role, Team
from borough.cases.models import Case
from borough.cases.response_templates import response_templates_seed
from borough.core.channels import Channel
from borough.people.models import Household
from borough.places.models import Property
from tests.factories import ResidentFactory, ResidentUserFactory, StaffFactory


@pytest.mark.django_db(transaction=True)
def test_a_phone_request_is_worked_to_closed_and_the_resident_sees_it(
    visit, live_server, catalogue, gazetteer
):
    response_templates_seed()
    user = ResidentUserFactory(email="ama@example.com")
    home = Household.objects.create(property=Property.objects.get(uprn=100021500002))
    ama = ResidentFactory(
        first_name="Ama", last_name="Owusu", email="ama@example.com", user=user, household=home
    )
    agent = StaffFactory(
        membership__team=Team.objects.get(slug="customer-experience"),
        membership__role=Role.AGENT,
    )
    officer = StaffFactory(
        first_name="Olu",
        membership__team=Team.objects.get(slug="waste"),
        membership__role=Role.OFFICER,
    )

    # 1. The agent takes Ama's call and raises the request with her.
    desk = visit(javascript=False)
    desk.sign_in(live_server, agent)
    page = desk.page
    page.goto(f"{live_server.url}/hub/residents/{ama.pk}/")
    page.get_by_role("link", name="Raise a request for Ama").click()
    page.get_by_label("Service", exact=True).select_option(label="Report a missed bin collection")
    page.get_by_label("Phone").check()
    page.get_by_role("button", name="Start").click()
    # Ama's home address is known, so the agent is not asked for it (issue 17, point 11).
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
    desk.assert_accessible()
    page.get_by_label("Length of the phone contact in minutes (optional)").fill("3")
    page.get_by_role("button", name="Raise the request").click()
    case = Case.objects.get()
    assert (case.channel, case.resident_id, case.assisted_by_id) == (
        Channel.PHONE,
        ama.pk,
        agent.pk,
    )

    # 2. The officer finds it in the queue by the street and works it to closed.
    work = visit(javascript=False)
    work.sign_in(live_server, officer)
    page = work.page
    page.goto(f"{live_server.url}/hub/")
    page.get_by_label("Search", exact=True).fill("acacia")
    page.get_by_role("button", name="Apply filters").click()
    work.assert_accessible()
    page.get_by_role("link", name=case.reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Case {case.reference}", use_inner_text=True
    )
    page.get_by_label("Start from a response template").select_option(
        label="Missed bin - collected"
    )
    page.get_by_role("button", name="Use template").click()
    message = page.get_by_label("Message to the resident", exact=True)
    assert "Ama" in message.input_value()
    work.assert_accessible()
    page.get_by_label("Collected (closes the case)").check()
    page.get_by_role("button", name="Send update").click()
    expect(page.locator("body")).to_contain_text("Update sent and status changed to collected")
    case.refresh_from_db()
    assert (case.state, case.is_open) == ("fixed", False)
    message_text = case.events.filter(kind="status_changed").latest("pk").text
    assert message_text

    # 3. Ama signs in to her account and sees the request closed, with the officer's words.
    home_page = visit(javascript=False)
    home_page.sign_in(live_server, user)
    page = home_page.page
    page.goto(f"{live_server.url}/my-account/")
    requests = page.get_by_test_id("my-requests").inner_text()
    assert case.reference in requests and "Your bin has been collected" in requests
    home_page.assert_accessible()
    page.get_by_role("link", name="Report a missed bin collection").click()
    timeline = page.get_by_test_id("timeline").inner_text()
    assert message_text.splitlines()[0] in timeline
    assert "Olu" not in timeline  # staff are "the council" to residents
    expect(page.locator("body")).to_contain_text("How satisfied were you with this service?")
    home_page.assert_accessible()
    assert desk.console_errors == [] and work.console_errors == []
    assert home_page.console_errors == []
