"""A team lead uses the work queue in a real browser, with and without JavaScript: saves and
shares a view, changes two cases at once (one is skipped with the reason), renames and deletes
the view. Each page is checked with axe-core."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from borough.accounts.models import Role, Team
from borough.cases.create import case_create
from borough.cases.models import Case
from borough.cases.workflow import case_transition
from borough.core.actors import ResidentActor, StaffActor
from borough.core.channels import Channel
from tests.factories import StaffFactory


def _case(service, uprn):
    return case_create(
        actor=ResidentActor(),
        service=service,
        channel=Channel.WEB,
        answers={
            "address": uprn,
            "bin_type": service.form.by_id["bin_type"].options[0].value,
            "bin_out": "yes",
            "collection_date": dt.date.today().isoformat(),
        },
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_team_lead_saves_a_view_and_changes_cases_in_bulk(
    visit, live_server, catalogue, gazetteer, javascript
):
    service = catalogue["report-missed-bin"]
    first, second = _case(service, 100021500001), _case(service, 100021500005)
    lead = StaffFactory(
        first_name="Priya",
        last_name="Lead",
        membership__team=Team.objects.get(slug="waste"),
        membership__role=Role.TEAM_LEAD,
    )
    case_transition(case=second, to_state="fixed", actor=StaffActor(lead))
    staff = visit(javascript=javascript, csp_for_axe=True)
    staff.sign_in(live_server, lead)
    page = staff.page
    page.goto(live_server.url + "/hub/?status=open")
    staff.assert_accessible()

    if javascript:
        page.get_by_text("Save these filters as a view").click()
    else:
        page.locator("summary", has_text="Save these filters as a view").click()
    page.get_by_label("Name of the view").fill("Open missed bins")
    page.get_by_label("Share with a team (optional)").select_option(label="Waste and recycling")
    page.get_by_role("button", name="Save view").click()
    assert "View saved: Open missed bins" in page.locator(".govuk-notification-banner").inner_text()
    expect(page.get_by_role("link", name="Open missed bins", exact=True)).to_be_visible()

    # Every status: the queue opens on open cases only, and the second case is collected.
    page.goto(live_server.url + "/hub/?status=any")
    page.get_by_label(f"Select {first.reference}").check()
    page.get_by_label(f"Select {second.reference}").check()
    page.get_by_label("Change their status").check()
    page.get_by_label("New status").select_option(label="Could not collect")
    page.get_by_label("Note").fill("The bin was not out on the day")
    page.get_by_role("button", name="Apply to selected cases").click()
    banners = page.locator(".govuk-notification-banner").all_inner_texts()
    assert any("1 case moved to the new status" in text for text in banners)
    assert any(
        f"{second.reference}: cannot go from Collected to Could not collect" in text
        for text in banners
    )
    assert Case.objects.get(pk=first.pk).state == "unable_to_fix"
    staff.assert_accessible()

    page.get_by_role("link", name="Rename Open missed bins").click()
    staff.assert_accessible()
    page.get_by_label("Name of the view").fill("")
    page.get_by_role("button", name="Save").click()
    assert "Enter a name for the view" in page.locator(".govuk-error-summary").inner_text()
    staff.assert_accessible()
    page.get_by_label("Name of the view").fill("Missed bins to do")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Delete Missed bins to do").click()
    staff.assert_accessible()
    page.get_by_role("button", name="Delete view").click()
    assert (
        "View deleted: Missed bins to do" in page.locator(".govuk-notification-banner").inner_text()
    )
    # The one failed load is the rename form sent back with its error (a 400), on purpose.
    assert [e for e in staff.console_errors if "400 (Bad Request)" not in e] == []
