"""A team lead moves a missed bin through its workflow in a real browser (without JavaScript)
and reads the team dashboard; both pages are checked with axe-core."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from borough.accounts.models import Role, Team
from borough.cases.create import case_create
from borough.cases.models import Case
from borough.core.actors import ResidentActor
from borough.core.channels import Channel
from tests.factories import PASSWORD, StaffFactory
from tests.signing_in import sign_in_on_pages


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_team_lead_works_a_case_and_reads_the_dashboard(
    visit, live_server, catalogue, gazetteer, javascript
):
    service = catalogue["report-missed-bin"]
    case = case_create(
        actor=ResidentActor(),
        service=service,
        channel=Channel.WEB,
        answers={
            "address": 100021500002,
            "bin_type": service.form.by_id["bin_type"].options[0].value,
            "bin_out": "yes",
            "collection_date": dt.date.today().isoformat(),
        },
    )
    Case.objects.filter(pk=case.pk).update(due_date=dt.date.today() - dt.timedelta(days=3))
    lead = StaffFactory(
        email="priya@council.example",
        first_name="Priya",
        last_name="Lead",
        membership__team=Team.objects.get(slug="waste"),
        membership__role=Role.TEAM_LEAD,
    )
    staff = visit(javascript=javascript, csp_for_axe=True)
    page = staff.page
    page.goto(live_server.url + "/hub/")
    sign_in_on_pages(page, lead, PASSWORD)

    page.get_by_role("link", name=case.reference).click()
    page.get_by_role("group", name="Change status").get_by_label("Crew sent").check()
    page.get_by_role("button", name="Change status").click()
    assert "Status changed to crew sent" in page.locator(".govuk-notification-banner").inner_text()
    choices = page.get_by_role("group", name="Change status")
    assert choices.get_by_role("radio").count() == 2
    expect(choices.get_by_label("Collected")).to_be_visible()
    staff.assert_accessible()

    page.get_by_role("link", name="Team dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Team dashboard", use_inner_text=True)
    table = page.get_by_role("table", name="Waste and recycling")
    assert "Not assigned" in table.inner_text()
    staff.assert_accessible()
    table.get_by_role("link", name="1 overdue cases, Waste and recycling").click()
    assert case.reference in page.locator("table").inner_text()
    assert "Overdue" in page.locator("table").inner_text()
