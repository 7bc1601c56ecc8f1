"""A signed-in resident books a bulky waste collection on a day with room, pays on the
embedded GOV.UK Pay sandbox, finds the booking in MyAccount, cancels it in time and sees the
refund (issue 19). JavaScript is off: the journey works without it."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from borough.payments.models import Refund
from borough.places.models import Ward
from borough.processes.models import BulkyBooking, BulkySlot, ProcessInstance
from borough.processes.shipped import load_shipped
from tests.factories import ResidentFactory, ResidentUserFactory


@pytest.fixture
def pay_on_live_server(settings, live_server):
    settings.SITE_URL = live_server.url
    settings.GOVUK_PAY_BASE_URL = live_server.url + "/sandbox/pay"


@pytest.mark.django_db(transaction=True)
def test_a_resident_books_pays_sees_and_cancels_a_bulky_waste_collection(
    visit, live_server, catalogue, gazetteer, pay_on_live_server
):
    load_shipped()
    day = dt.date.today() + dt.timedelta(days=10)
    BulkySlot.objects.create(date=day, ward=Ward.objects.get(code="E05900001"), capacity=4)
    user = ResidentUserFactory(email="ama@example.com")
    ResidentFactory(first_name="Ama", last_name="Owusu", email="ama@example.com", user=user)
    browser = visit(javascript=False)
    browser.sign_in(live_server, user)
    page = browser.page
    page.goto(live_server.url + "/services/book-bulky-waste-collection/")
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("Postcode").fill("UB8 1QA")
    page.get_by_role("button", name="Find address").click()
    page.get_by_label("2 Acacia Avenue, Uxbridge, UB8 1QA").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("How many items").fill("2")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Furniture, such as sofas, tables and wardrobes").check()
    page.get_by_role("button", name="Continue").click()
    page.locator("textarea[name=item_list]").fill("1 sofa, 1 armchair")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Day").fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))
    page.get_by_role("button", name="Continue").click()
    email = page.get_by_label("What is your email address?")
    if email.count():
        email.fill("ama@example.com")
        page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    by_email = page.get_by_label("By email")
    if by_email.count():
        by_email.check()
    page.get_by_role("button", name="Continue to payment").click()

    # The days with room in the resident's ward, without JavaScript.
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a collection day")
    browser.assert_accessible()
    page.get_by_label(f"{day:%A} {day.day} {day:%B %Y}").check()
    page.get_by_role("button", name="Continue to payment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter card details")
    page.get_by_label("Card number").fill("4444 3333 2222 1111")
    page.get_by_role("button", name="Confirm payment").click()
    expect(page.locator(".govuk-panel--confirmation")).to_contain_text("Request sent")

    booking = BulkyBooking.objects.get()
    assert booking.state == "booked" and BulkySlot.objects.get().booked == 1
    assert ProcessInstance.objects.filter(definition__key="bulky-waste").exists()

    page.goto(live_server.url + "/my-account/")
    shown = page.get_by_test_id(f"bulky-{booking.pk}")
    expect(shown).to_contain_text(f"Booked ({booking.case.reference})")
    page.get_by_role("link", name=f"Cancel the collection on {day.day} {day:%B %Y}").click()
    expect(page.get_by_test_id("refund-rule")).to_contain_text("we refund £20 to your card")
    browser.assert_accessible()
    page.get_by_role("button", name="Cancel the collection").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Refunded: £20")
    expect(page.get_by_test_id(f"bulky-{booking.pk}")).to_contain_text("Refunded: £20")
    browser.assert_accessible()
    assert Refund.objects.get().amount_pence == 2000 and BulkySlot.objects.get().booked == 0
