"""Digital inclusion (issue 26), one journey: a librarian (a partner) nominates a resident, an
officer approves and offers a laptop, the resident accepts the loan agreement in MyAccount and
books a skills session, and the laptop comes back and is securely wiped before it can go out
again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from borough.inclusion.models import Device
from tests.inclusion.conftest import build_world


def _weekday() -> dt.date:
    day = timezone.localdate() + dt.timedelta(days=2)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


@pytest.mark.django_db(transaction=True)
def test_a_nominated_resident_borrows_a_laptop_that_is_wiped_when_it_comes_back(visit, live_server):
    world = build_world()
    librarian = visit(javascript=False)
    librarian.sign_in(live_server, world["librarian"])
    page = librarian.page
    page.goto(f"{live_server.url}/digital-inclusion/partners/")
    page.get_by_role("link", name="Nominate a resident").click()
    page.get_by_label("First name").fill("Ama")
    page.get_by_label("Last name").fill("Owusu")
    page.get_by_label("Email address").fill("ama@example.com")
    page.get_by_label("Laptop").check()
    page.get_by_label("Why do they need a device?").fill("Needs to apply for jobs online")
    page.get_by_label("Lives in the borough").check()
    page.get_by_label("Looking for work or training").check()
    page.get_by_label("The resident agrees to be nominated").check()
    page.get_by_role("button", name="Send the nomination").click()
    expect(page.get_by_text("Thank you. The council will decide")).to_be_visible()
    expect(page.get_by_role("cell", name="Waiting for a decision")).to_be_visible()
    librarian.assert_accessible()

    officer = visit(javascript=False)
    officer.sign_in(live_server, world["officer"])
    hub = officer.page
    hub.goto(f"{live_server.url}/hub/")
    hub.get_by_role("link", name="Digital inclusion").click()
    hub.get_by_role("link", name="Ama Owusu").click()
    expect(hub.get_by_test_id("priority")).to_contain_text("20: Looking for work or training (20)")
    hub.get_by_label("Reasons for the decision").fill("Job seeker without a computer")
    hub.get_by_role("button", name="Approve", exact=True).click()
    hub.get_by_label("Device (wiped and available)").select_option(
        label="LP-001, Lenovo 100e (Good)"
    )
    hub.get_by_role("button", name="Offer the device").click()
    expect(hub.get_by_text("Device offered. The resident has been told")).to_be_visible()
    officer.assert_accessible()

    resident = visit(javascript=False)
    resident.sign_in(live_server, world["user"])
    mine = resident.page
    mine.goto(f"{live_server.url}/my-account/devices/")
    mine.get_by_role("link", name="Read and accept the loan agreement").click()
    mine.get_by_label("Collect it from a library").check()
    mine.get_by_label("Library to collect it from (if collecting)").select_option("Central Library")
    day = _weekday()
    mine.get_by_label("Day").fill(str(day.day))
    mine.get_by_label("Month").fill(str(day.month))
    mine.get_by_label("Year").fill(str(day.year))
    mine.get_by_label("I have read the loan agreement and I agree to it").check()
    mine.get_by_role("button", name="Accept and book").click()
    expect(mine.get_by_text("Thank you. Your device is booked.")).to_be_visible()
    mine.get_by_role("link", name="See sessions and book").click()
    mine.get_by_role("link", name="Book a place").click()
    mine.get_by_role("button", name="Book my place").click()
    expect(
        mine.get_by_text("It is one of the sessions that came with your device.")
    ).to_be_visible()
    resident.assert_accessible()

    hub.reload()
    hub.get_by_role("button", name="Record the handover").click()
    hub.get_by_label("Good").check()
    hub.get_by_role("button", name="Record the return").click()
    expect(hub.get_by_text("Wipe the device before it goes out again")).to_be_visible()
    hub.get_by_role("link", name="Record the secure wipe").click()
    hub.get_by_label("How it was wiped").select_option(
        label="Cryptographic erase (NIST 800-88 purge)"
    )
    hub.get_by_role("button", name="Record the wipe").click()
    expect(hub.get_by_text("Secure wipe recorded: Laptop LP-001")).to_be_visible()
    officer.assert_accessible()
    assert Device.objects.get(serial_number="LP-001").status == Device.Status.AVAILABLE
