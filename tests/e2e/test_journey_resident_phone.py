"""Journey (a), issue 17: a resident on a phone (375px), not signed in, finds a service from the
home page (browsing for a missed bin, searching for a pothole), reports it and sees the
confirmation, counting the clicks against the GOV.UK pattern's minimum (docs/benchmarks.md)."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from borough.assistant import nlu
from tests.e2e.clicks import Clicks, journey_widths

# GOV.UK pattern minimums (docs/benchmarks.md): finding the service (topic or search, then the
# service), Start now, one Continue per question page (an address by postcode takes two: find,
# then choose), Accept and send.
MISSED_BIN_MINIMUM = 2 + 1 + (2 + 4) + 1
POTHOLE_MINIMUM = 2 + 1 + (2 + 4) + 1
# Bin days: the link on the home page, Find address, the address.
BIN_DAY_MINIMUM = 3


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", journey_widths(375))
def test_a_resident_on_a_phone_reports_a_missed_bin_and_a_pothole(
    visit, live_server, catalogue, gazetteer, width
):
    nlu.load()  # the live server shares this process: search needs no model load
    resident = visit(width=width, csp_for_axe=True)
    page = resident.page

    bin_walk = Clicks(page, "phone-missed-bin")
    page.goto(live_server.url + "/")
    bin_walk.look("home")
    bin_walk.link("Bins and recycling")
    bin_walk.look("topic")
    bin_walk.link("Report a missed bin collection")
    bin_walk.button("Start now")
    page.get_by_label("Postcode").fill("UB8 1QA")
    bin_walk.button("Find address")
    page.get_by_label("2 Acacia Avenue, Uxbridge, UB8 1QA").check()
    bin_walk.button("Continue")
    page.locator("input[name=bin_type]").first.check()
    bin_walk.button("Continue")
    bin_walk.look("question")
    page.get_by_label("Yes").check()
    bin_walk.button("Continue")
    today = dt.date.today()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    bin_walk.button("Continue")
    bin_walk.look("details")
    bin_walk.button("Continue")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    # One green button on the page, the one that sends: the chat launcher under it is not a
    # second one that looks the same.
    expect(page.get_by_role("button", name="Chat with us")).to_be_visible()
    primary = page.locator(
        "main .govuk-button:not(.govuk-button--secondary), "
        ".app-chat-widget__launcher:not(.govuk-button--secondary)"
    )
    expect(primary).to_have_count(1)
    bin_walk.look("check")
    bin_walk.button("Accept and send")
    expect(page.locator(".govuk-panel--confirmation")).to_contain_text("Request sent")
    bin_walk.look("confirmation")
    resident.assert_accessible()
    bin_walk.assert_at_most(MISSED_BIN_MINIMUM)

    bin_day = Clicks(page, "phone-bin-day")
    page.goto(live_server.url + "/")
    bin_day.link("Check your bin collection days")
    page.get_by_label("Postcode").fill("UB8 1QA")
    bin_day.button("Find address")
    bin_day.link("2 Acacia Avenue, Uxbridge, UB8 1QA")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your bin collection days")
    bin_day.look("bin-days")
    bin_day.assert_at_most(BIN_DAY_MINIMUM)

    pothole = Clicks(page, "phone-pothole")
    page.goto(live_server.url + "/")
    page.get_by_label("Search council services").fill("hole in the road")
    pothole.button("Search")
    pothole.look("search")
    pothole.link("Report a pothole")
    pothole.button("Start now")
    page.get_by_label("Postcode").fill("UB8 1QA")
    pothole.button("Find address")
    page.locator("input[name=location]").first.check()
    page.get_by_label("Describe exactly where it is").fill("Outside number 2")
    pothole.look("location")
    pothole.button("Continue")
    page.locator("input[name=where_on_street]").first.check()
    pothole.button("Continue")
    page.locator("input[name=size]").first.check()
    pothole.button("Continue")
    pothole.look("depth")
    pothole.button("Continue")
    pothole.button("Continue")
    pothole.look("check")
    pothole.button("Accept and send")
    expect(page.locator(".govuk-panel--confirmation")).to_contain_text("Request sent")
    pothole.look("confirmation")
    pothole.assert_at_most(POTHOLE_MINIMUM)
