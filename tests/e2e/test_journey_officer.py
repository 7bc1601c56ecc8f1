"""Journey (d), issue 17: a waste officer opens the work queue, opens a case (with the keyboard),
changes its status with a public update and sees it on the case's timeline; the resident's
tracking page shows the same words. Clicks are counted against the minimum
(docs/benchmarks.md)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from borough.cases.tracking import case_tracking_token
from tests.e2e.clicks import Clicks

# The queue is the officer's start page: open the case, send the update (status and message in
# one form).
OFFICER_MINIMUM = 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 375])
def test_an_officer_updates_a_case_from_the_queue(
    visit, live_server, make_case, waste_officer, width
):
    case = make_case()
    staff = visit(width=width, csp_for_axe=True)
    staff.sign_in(live_server, waste_officer)
    page = staff.page
    walk = Clicks(page, "officer")
    page.goto(live_server.url + "/hub/")
    walk.look("queue")
    case_link = page.get_by_role("link", name=case.reference)
    if width < 400:
        # On a phone the filters fold away, so the first case is a short scroll down (the
        # hub's menu takes the top), not two screens of drop-downs below (about 1,800px).
        expect(page.get_by_text("Filters and sorting")).to_be_visible()
        expect(page.get_by_label("Workflow state")).to_be_hidden()
        assert case_link.bounding_box()["y"] < 1.2 * page.viewport_size["height"]
    else:
        expect(page.get_by_label("Workflow state")).to_be_visible()
    walk.enter(case_link)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {case.reference}")
    walk.look("case")

    message = "A crew will come back for your bin tomorrow morning."
    page.get_by_label("Message to the resident", exact=True).fill(message)
    status = page.locator("input[name=update_status]").nth(1)
    new_status = page.locator(f"label[for={status.get_attribute('id')}]").inner_text()
    status.check()
    walk.button("Send update")
    # Nobody to write to (the resident gave no contact details): the banner does not say
    # "sent", it says where the update is.
    banner = page.locator(".govuk-notification-banner")
    expect(banner).to_contain_text("The update is on the resident’s request page only")
    expect(banner).to_contain_text("Not sent: no contact details for the resident")
    expect(banner).not_to_contain_text("Update sent")
    timeline = page.locator("h2:has-text('Timeline') + ol")
    expect(timeline).to_contain_text(message)
    expect(timeline).to_contain_text(
        "Status changed to " + new_status.removesuffix(" (closes the case)"), ignore_case=True
    )
    walk.look("updated")
    staff.assert_accessible()
    walk.assert_at_most(OFFICER_MINIMUM)

    # The resident reads the same update on their request's page.
    page.goto(f"{live_server.url}/track/{case.reference}/{case_tracking_token(case)}/")
    expect(page.get_by_test_id("timeline")).to_contain_text(message)
