"""A resident books a bulky waste collection and pays on the embedded GOV.UK Pay sandbox: the
decline card first, then the success card (issue 20). Every page is checked with axe-core;
JavaScript is off, so the journey is shown to work without it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from borough.cases.models import Case
from borough.payments.models import Payment, PayState


@pytest.fixture
def pay_on_live_server(settings, live_server):
    settings.SITE_URL = live_server.url
    settings.GOVUK_PAY_BASE_URL = live_server.url + "/sandbox/pay"


def test_a_resident_books_bulky_waste_and_pays_after_a_decline(
    visit, live_server, catalogue, gazetteer, pay_on_live_server
):
    visit = visit(javascript=False)
    page = visit.page
    page.goto(live_server.url + "/services/book-bulky-waste-collection/")
    assert "£10 for each item" in page.get_by_test_id("fee").inner_text()
    visit.assert_accessible()
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("Postcode").fill("UB8 1QA")
    page.get_by_role("button", name="Find address").click()
    page.get_by_label("2 Acacia Avenue, Uxbridge, UB8 1QA").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("How many items").fill("3")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Furniture, such as sofas, tables and wardrobes").check()
    page.get_by_role("button", name="Continue").click()
    page.locator("textarea[name=item_list]").fill("1 sofa, 2 armchairs")
    page.get_by_role("button", name="Continue").click()
    day = dt.date.today() + dt.timedelta(days=7)
    page.get_by_label("Day").fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("What is your email address?").fill("ama.owusu@example.com")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    assert "£30" in page.get_by_test_id("amount-due").inner_text()
    visit.assert_accessible()
    page.get_by_role("button", name="Continue to payment").click()

    # The sandbox's card page: first the card GOV.UK Pay documents as declined.
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter card details")
    assert page.get_by_test_id("sandbox-amount").inner_text() == "£30.00"
    visit.assert_accessible()
    page.get_by_label("Card number").fill("4000000000000002")
    page.get_by_role("button", name="Confirm payment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your payment was declined")
    visit.assert_accessible()
    assert not Case.objects.exists()

    page.get_by_role("button", name="Try to pay again").click()
    page.get_by_label("Card number").fill("4444 3333 2222 1111")
    page.get_by_role("button", name="Confirm payment").click()

    panel = page.locator(".govuk-panel--confirmation")
    expect(panel).to_contain_text("Request sent")
    reference = page.get_by_test_id("reference").inner_text()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", reference)
    visit.assert_accessible()
    case = Case.objects.get()
    assert case.reference == reference
    assert sorted(Payment.objects.values_list("state", flat=True)) == [
        PayState.FAILED,
        PayState.SUCCESS,
    ]
    assert Payment.objects.get(state=PayState.SUCCESS).case == case


def test_a_team_lead_refunds_half_of_a_payment_and_the_resident_sees_it_in_myaccount(
    visit, live_server, catalogue, gazetteer, pay_on_live_server
):
    from django.test import Client

    from borough.accounts.models import Role, Team
    from tests.factories import ResidentFactory, ResidentUserFactory, StaffFactory
    from tests.payments.conftest import fill_form, pay

    account = ResidentUserFactory(email="ama@example.com")
    ResidentFactory(first_name="Ama", last_name="Owusu", email="ama@example.com", user=account)
    resident = Client()
    resident.force_login(account)
    check = fill_form(
        resident, catalogue["book-bulky-waste-collection"], {"item_count": {"item_count": "3"}}
    )
    resident.get(pay(resident, resident.post(check)["Location"]))
    case = Case.objects.get()
    lead = StaffFactory(
        email="waste.lead@council.example",
        membership__team=Team.objects.get(slug="waste"),
        membership__role=Role.TEAM_LEAD,
    )
    staff = visit(javascript=True)
    staff.sign_in(live_server, lead)
    page = staff.page
    page.goto(f"{live_server.url}/hub/cases/{case.reference}/")
    assert "£30 by card on GOV.UK Pay" in page.get_by_test_id("payment").inner_text()
    page.get_by_text("Give a refund").click()
    staff.assert_accessible()
    page.get_by_label("Amount to refund, in pounds").fill("40")
    page.get_by_label("Why are you giving a refund?").fill("Only 2 items were collected")
    page.get_by_role("button", name="Refund").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter an amount from £0.01 to £30"
    )
    staff.assert_accessible()
    page.get_by_label("Amount to refund, in pounds").fill("15")
    page.get_by_role("button", name="Refund").click()
    expect(page.get_by_test_id("payment")).to_contain_text("Only 2 items were collected")
    staff.assert_accessible()
    assert Payment.objects.get(case=case).refunded_pence == 1500

    # The resident sees what they paid and what came back, on their request in MyAccount.
    for width in (375, 1280):
        mine = visit(javascript=False, width=width)
        mine.sign_in(live_server, account)
        mine.page.goto(f"{live_server.url}/my-account/requests/{case.reference}/")
        shown = mine.page.get_by_test_id("payment").inner_text()
        assert "You paid £30 by card" in shown and "We refunded £15" in shown
        mine.assert_accessible()
