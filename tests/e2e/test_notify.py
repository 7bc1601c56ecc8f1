"""A resident chooses to hear back by text, sends a request, sees the text delivered on its page
in MyAccount, and texts back (through the GOV.UK Notify sandbox's page); the text lands on their
request, and a team lead sees both in the hub's outbox. Every page is checked with axe-core at
1280px; the new and changed ones (check answers with the choice, the sandbox's page, texts
received) at 375px too."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from playwright.sync_api import expect

from borough.accounts.models import Role, Team
from borough.cases.models import Case
from borough.notify.models import Message
from borough.people.models import Household
from borough.places.models import Property
from tests.factories import ResidentFactory, ResidentUserFactory, StaffFactory
from tests.portal.test_missed_bin_journey import START, answer_all

OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"


def _accessible_at_both_widths(visit) -> None:
    """axe-core at 1280px and 375px, and nothing wider than a phone at 375px."""
    visit.assert_accessible()
    visit.page.set_viewport_size({"width": 375, "height": 900})
    visit.assert_accessible()
    assert visit.page.evaluate(OVERFLOW), f"{visit.page.url} overflows sideways at 375px"
    visit.page.set_viewport_size({"width": 1280, "height": 900})


@pytest.mark.django_db(transaction=True)
def test_a_resident_hears_back_by_text_and_texts_back_onto_their_request(
    visit, live_server, missed_bin, gazetteer, settings
):
    settings.BOROUGH_NOTIFY_PROVIDER = "notify"
    settings.NOTIFY_SANDBOX = True
    settings.NOTIFY_API_KEY = f"borough_test-{uuid.uuid4()}-{uuid.uuid4()}"
    settings.NOTIFY_BASE_URL = "http://notify-sandbox.invalid"
    settings.NOTIFY_CALLBACK_TOKEN = "callback-token-for-tests-0123456789"
    user = ResidentUserFactory(email="ama@example.com")
    home = Household.objects.create(property=Property.objects.get(uprn=100021500001))
    ResidentFactory(
        first_name="Ama", email="ama@example.com", phone="07700 900982", user=user, household=home
    )
    lead = StaffFactory(
        membership__team=Team.objects.get(slug="waste"), membership__role=Role.TEAM_LEAD
    )

    # The resident's answers are given by Django's client; the browser takes its session.
    client = Client()
    client.force_login(user)
    answer_all(client, missed_bin)
    resident = visit(csp_for_axe=True)
    resident.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = resident.page
    page.goto(live_server.url + "/my-account/details/")
    page.get_by_label("Text message").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("contact-by")).to_have_text("Yes, by text message")

    page.goto(live_server.url + START + "check-answers/")
    choice = page.get_by_role("group", name="How do you want to hear about this request?")
    expect(choice.get_by_label("By text message")).to_be_checked()
    _accessible_at_both_widths(resident)
    page.get_by_role("button", name="Accept and send").click()
    case = Case.objects.get()
    assert case.contact_by == "sms"

    page.goto(f"{live_server.url}/my-account/requests/{case.reference}/")
    sent = page.get_by_test_id("messages-sent")
    expect(sent).to_contain_text("Your reference")
    expect(sent).to_contain_text("Text message")
    expect(sent).to_contain_text("Delivered")
    resident.assert_accessible()

    # What the resident's phone would do: reply to the text (the sandbox's page).
    page.goto(live_server.url + "/sandbox/notify/")
    expect(page.locator("body")).to_contain_text("GOV.UK Notify sandbox")
    _accessible_at_both_widths(resident)
    page.get_by_label("Text back from 07700 900982").fill("The bin is still on the pavement")
    page.get_by_role("button", name="Send the text from 07700 900982").click()

    page.goto(f"{live_server.url}/my-account/requests/{case.reference}/")
    expect(page.get_by_test_id("timeline")).to_contain_text("The bin is still on the pavement")

    staff = visit(csp_for_axe=True)
    staff.sign_in(live_server, lead)
    staff.page.goto(live_server.url + "/hub/outbox/?channel=sms")
    expect(staff.page.locator("table")).to_contain_text("Text message")
    expect(staff.page.locator("table")).to_contain_text("Delivered")
    _accessible_at_both_widths(staff)
    staff.page.goto(live_server.url + "/hub/outbox/texts/")
    expect(staff.page.locator("table")).to_contain_text("The bin is still on the pavement")
    expect(staff.page.locator("table")).to_contain_text(case.reference)
    _accessible_at_both_widths(staff)
    assert Message.objects.get(case=case, channel="sms").status == Message.Status.DELIVERED
    assert resident.console_errors == [] and staff.console_errors == []
