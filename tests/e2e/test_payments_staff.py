"""An agent takes a caller's card payment inside assisted digital (issue 20): MOTO on GOV.UK
Pay's own card page (the embedded sandbox here), a declined card first, then a good one; the
request is raised only once the payment went through. The fee check page and the declined page
are checked with axe-core at 375 and 1280 pixels; the finance team then reconciles the day."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from borough.accounts.models import Role, Team
from borough.cases.models import Case
from borough.core.channels import Channel
from borough.payments.models import Payment
from tests.factories import ResidentFactory, StaffFactory
from tests.payments.test_moto import assisted_check


@pytest.fixture
def pay_on_live_server(settings, live_server):
    settings.SITE_URL = live_server.url
    settings.GOVUK_PAY_BASE_URL = live_server.url + "/sandbox/pay"


def test_an_agent_takes_a_card_payment_for_a_caller(
    visit, live_server, catalogue, gazetteer, agent, staff_login, pay_on_live_server
):
    from django.conf import settings
    from django.test import Client

    caller = ResidentFactory(first_name="Kofi", last_name="Mensah", email="kofi@example.com")
    agent_client = Client()
    staff_login(agent_client, agent)
    check = assisted_check(
        agent_client,
        caller,
        catalogue["book-bulky-waste-collection"],
        {"item_count": {"item_count": "2"}},
    )
    cookie = agent_client.cookies[settings.SESSION_COOKIE_NAME].value
    for width in (375, 1280):
        browser = visit(javascript=width == 1280, width=width)
        browser.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
        )
        page = browser.page
        page.goto(live_server.url + check)
        assert page.get_by_test_id("assist-fee").inner_text() == "£20"
        browser.assert_accessible()
        page.get_by_role("button", name="Take the payment of £20").click()
        expect(page.get_by_test_id("sandbox-moto")).to_be_visible()
        if width == 375:  # the caller's card is declined: nothing is raised
            page.get_by_label("Card number").fill("4000000000000002")
            page.get_by_role("button", name="Confirm payment").click()
            expect(page.get_by_test_id("payment-outcome")).to_have_text("The card was declined")
            browser.assert_accessible()
            assert not Case.objects.exists()
            browser.close()
            continue
        page.get_by_label("Card number").fill("4444333322221111")
        page.get_by_role("button", name="Confirm payment").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("Payment of £20 taken")
    case = Case.objects.get()
    assert (case.channel, case.resident, case.assisted_by) == (Channel.PHONE, caller, agent)
    assert Payment.objects.get(case=case).moto

    # The finance team reconciles the day: everything matches.
    finance = StaffFactory(
        email="fin@council.example",
        membership__team=Team.objects.get(slug="finance"),
        membership__role=Role.OFFICER,
    )
    browser = visit(javascript=True)
    browser.sign_in(live_server, finance)
    day = timezone.localdate(case.created_at)
    browser.page.goto(f"{live_server.url}/hub/payments/reconciliation/?day={day}")
    expect(browser.page.get_by_test_id("pay-taken")).to_have_text("£20")
    expect(browser.page.get_by_test_id("all-match")).to_be_visible()
    browser.assert_accessible()
