"""An organisation proposes a directory change; the directory team approves it; it appears in
the Open Referral UK API and in residents' search (issue 26)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.directory.world import build_directory


@pytest.mark.django_db(transaction=True)
def test_an_organisations_change_is_approved_and_published(
    visit, live_server, catalogue, gazetteer
):
    d = build_directory()
    rep = visit(javascript=False)
    rep.sign_in(live_server, d.rep)
    page = rep.page
    page.goto(f"{live_server.url}/community-directory/your-organisations/")
    page.get_by_role("button", name="Propose a new service for Hillside Food Bank").click()
    page.get_by_label("Name of the service").fill("Baby bank")
    page.get_by_label("What the service does").fill("Clothes, nappies and prams for families.")
    page.get_by_label("Food").check()
    page.get_by_label("Web address").fill("https://foodbank.example/baby")
    page.get_by_label("Thursday").check()
    page.get_by_label("Opens at").fill("10:00")
    page.get_by_label("Closes at").fill("12:00")
    page.get_by_role("button", name="Send for checking").click()
    expect(page.get_by_text("Change sent. The council checks it")).to_be_visible()
    expect(page.get_by_text("Waiting for review")).to_be_visible()
    assert "Baby bank" not in page.request.get(f"{live_server.url}/openreferral/services").text()

    staff = visit(javascript=False)
    staff.sign_in(live_server, d.officer)
    hub = staff.page
    hub.goto(f"{live_server.url}/hub/")
    hub.get_by_role("link", name="Community directory").click()
    hub.get_by_role("link", name="Baby bank").click()
    expect(hub.get_by_role("cell", name="Clothes, nappies and prams for families.")).to_be_visible()
    staff.assert_accessible()
    hub.get_by_label("Approve and publish").check()
    hub.get_by_role("button", name="Save decision").click()
    expect(hub.get_by_text("Change approved and published")).to_be_visible()

    listing = page.request.get(f"{live_server.url}/openreferral/services?search=baby").json()
    assert [s["name"] for s in listing["contents"]] == ["Baby bank"]
    page.goto(f"{live_server.url}/community-directory/?need=food&postcode=UB8+1QA")
    page.get_by_role("link", name="Baby bank").click()
    expect(page.get_by_text("Thursday: 10:00 to 12:00")).to_be_visible()
    rep.assert_accessible()
