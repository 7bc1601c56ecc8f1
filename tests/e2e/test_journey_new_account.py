"""Journey (b), issue 17: a new account, start to finish in a real browser, counting clicks: the
resident creates an account and confirms their email, adds the address a new account lacks,
reports a pothole signed in, sees it under "Your requests", opens it, changes their details and
downloads their data (docs/benchmarks.md)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect

from borough.assistant import nlu
from tests.e2e.clicks import Clicks, journey_widths
from tests.factories import PASSWORD

# GOV.UK pattern minimums (docs/benchmarks.md).
# Create an account: the form's button, the link in the email, confirm.
SIGN_UP_MINIMUM = 3
# Add an address from the account page: the link, Find address, Save.
ADDRESS_MINIMUM = 3
# Report a pothole: from the account to the services (one link), search, the result, Start now,
# the location (find, then choose), four question pages, Accept and send.
POTHOLE_MINIMUM = 1 + 2 + 1 + (2 + 4) + 1
# Then see it in the account and open it: the account link, the request.
TRACK_MINIMUM = 2
# Change a detail (the Change link, Save) and download the data (one button).
DETAILS_AND_DATA_MINIMUM = 3


def _path_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", journey_widths(1280))
def test_a_new_account_adds_an_address_reports_a_pothole_and_downloads_its_data(
    visit, live_server, catalogue, gazetteer, width
):
    nlu.load()  # the live server shares this process: search needs no model load
    resident = visit(width=width, csp_for_axe=True)
    page = resident.page

    sign_up = Clicks(page, "account-sign-up")
    page.goto(live_server.url + "/")
    sign_up.link("Sign in")
    sign_up.look("sign-in")
    sign_up.link("create one", exact=True)
    page.get_by_label("Email address").fill("amara@example.com")
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Type your password again").fill(PASSWORD)
    sign_up.button("Create account")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    (message,) = mail.outbox
    sign_up.email_link(live_server.url + _path_in(message))
    sign_up.button("Confirm email address")
    expect(page).to_have_url(live_server.url + "/my-account/")
    # One banner: confirming the email signed the resident in, and it says so once.
    expect(page.locator(".govuk-notification-banner")).to_have_count(1)
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Your email address is confirmed"
    )
    sign_up.look("new-account")
    resident.assert_accessible()
    sign_up.assert_at_most(SIGN_UP_MINIMUM + 2)  # reaching the form: Sign in, Create an account

    address = Clicks(page, "account-address")
    address.link("Add your address")
    page.get_by_label("Postcode").fill("UB8 1QA")
    address.button("Find address")
    page.get_by_label("2 Acacia Avenue, Uxbridge, UB8 1QA").check()
    address.look("choose-address")
    address.button("Save")
    expect(page.locator("body")).to_contain_text("2 Acacia Avenue")
    address.assert_at_most(ADDRESS_MINIMUM)

    pothole = Clicks(page, "account-pothole")
    pothole.link("Find a council service")
    page.get_by_label("Search council services").fill("pothole")
    pothole.button("Search")
    pothole.link("Report a pothole")
    pothole.button("Start now")
    page.get_by_label("Postcode").fill("UB8 1QA")
    pothole.button("Find address")
    page.locator("input[name=location]").first.check()
    page.get_by_label("Describe exactly where it is").fill("Outside number 2")
    pothole.button("Continue")
    page.locator("input[name=where_on_street]").first.check()
    pothole.button("Continue")
    page.locator("input[name=size]").first.check()
    pothole.button("Continue")
    pothole.button("Continue")
    pothole.button("Continue")
    pothole.look("check")
    pothole.button("Accept and send")
    reference = page.get_by_test_id("reference").inner_text()
    pothole.look("confirmation")
    expect(page.get_by_test_id("contact-promise")).to_contain_text("amara@example.com")
    pothole.assert_at_most(POTHOLE_MINIMUM)

    track = Clicks(page, "account-track")
    track.link("Your account")
    expect(page.get_by_test_id("my-requests")).to_contain_text(reference)
    track.look("my-account")
    track.link("Report a pothole")
    expect(page.locator("body")).to_contain_text(reference)
    track.look("request")
    resident.assert_accessible()
    track.assert_at_most(TRACK_MINIMUM)

    details = Clicks(page, "account-details")
    page.goto(live_server.url + "/my-account/")
    details.link("Change name")
    page.get_by_label("First name").fill("Amara")
    page.get_by_label("Last name").fill("Okafor")
    details.look("details")
    details.button("Save")
    expect(page.locator("body")).to_contain_text("Amara Okafor")
    with page.expect_download() as download:
        details.link("Download my data")
    data = json.loads(Path(download.value.path()).read_text())
    assert reference in json.dumps(data) and "Amara" in json.dumps(data)
    details.assert_at_most(DETAILS_AND_DATA_MINIMUM)
