"""An admin creates an API client and deactivates it, without JavaScript, passing axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from borough.accounts.models import Role, Team
from tests.factories import StaffFactory


@pytest.mark.django_db(transaction=True)
def test_an_admin_manages_api_clients_in_a_browser(visit, live_server, catalogue):
    admin = StaffFactory(
        membership__team=Team.objects.get(slug="customer-experience"), membership__role=Role.ADMIN
    )
    staff = visit(javascript=False)
    staff.sign_in(live_server, admin)
    page = staff.page
    page.goto(f"{live_server.url}/hub/")
    page.get_by_role("link", name="API clients").click()
    staff.assert_accessible()
    page.get_by_role("button", name="Add an API client").click()
    page.get_by_role("button", name="Create the key").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    staff.assert_accessible()
    page.get_by_label("Name", exact=True).fill("FixMyStreet")
    page.get_by_label("Send Open311 requests and updates").check()
    page.get_by_role("button", name="Create the key").click()
    assert page.locator("#api-key").inner_text().startswith("brgh_")
    staff.assert_accessible()
    page.get_by_role("link", name="Back to API clients").click()
    page.get_by_role("link", name="Deactivate FixMyStreet").click()
    staff.assert_accessible()
    page.get_by_role("button", name="Deactivate the key").click()
    expect(page.get_by_text("FixMyStreet can no longer use its key")).to_be_visible()
    expect(page.get_by_text("Deactivated")).to_be_visible()
