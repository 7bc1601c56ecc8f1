"""A team lead reads the KPI dashboards, and anyone reads the performance page, in a browser."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from borough.accounts.models import Role, Team
from borough.insights.services import counts_rebuild
from tests.factories import StaffFactory
from tests.insights.data import build_week


@pytest.mark.django_db(transaction=True)
def test_insights_pages_work_without_javascript_and_pass_axe(
    visit, live_server, catalogue, settings
):
    settings.BOROUGH_KPI_TARGETS = {"completion_rate": "85", "contacts": "4"}
    settings.BOROUGH_STAFF_COST_PER_HOUR = "28.50"
    today = timezone.localdate()
    agent = StaffFactory(
        membership__team=Team.objects.get(slug="customer-experience"),
        membership__role=Role.AGENT,
    )
    build_week(first=today - dt.timedelta(days=16), catalogue=catalogue, agent=agent)
    build_week(
        first=(today.replace(day=1) - dt.timedelta(days=40)), catalogue=catalogue, agent=agent
    )
    counts_rebuild(start=today - dt.timedelta(days=90), end=today)
    lead = StaffFactory(
        membership__team=Team.objects.get(slug="waste"), membership__role=Role.TEAM_LEAD
    )
    staff = visit(javascript=False)
    staff.sign_in(live_server, lead)
    page = staff.page

    page.goto(f"{live_server.url}/hub/")
    page.get_by_role("link", name="Insights").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Insights", use_inner_text=True)
    expect(page.get_by_role("img", name="Contacts from residents each day")).to_be_visible()
    assert page.locator(".app-chart-target").count() == 2  # the two targets set
    assert "Spend on business support" in page.locator("#table-kpis").inner_text()
    staff.assert_accessible()
    if os.environ.get("BOROUGH_SCREENSHOTS"):
        page.screenshot(path=os.environ["BOROUGH_SCREENSHOTS"] + "/insights.png", full_page=True)

    page.get_by_label("First day").fill("")
    page.get_by_label("Last day").fill("")
    page.get_by_role("button", name="Show this period").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Insights", use_inner_text=True)

    page.get_by_role("link", name="Report a missed bin collection").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Report a missed bin collection", use_inner_text=True
    )
    staff.assert_accessible()
    page.get_by_role("link", name="Back to insights").click()
    page.get_by_role("link", name="Phone").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Phone", use_inner_text=True)
    staff.assert_accessible()

    page.goto(f"{live_server.url}/hub/insights/?from=2026-02-30&to=2026-01-01")
    assert "The first day must be a real date" in page.locator(".govuk-error-summary").inner_text()
    staff.assert_accessible()

    public = visit(javascript=False)
    public.page.goto(f"{live_server.url}/")
    public.page.get_by_role("link", name="Performance").click()
    heading = public.page.get_by_role("heading", level=1).inner_text()
    assert heading == "How our online services are performing"
    expect(public.page.get_by_role("heading", name="User satisfaction")).to_be_visible()
    expect(public.page.get_by_role("heading", name="MyAccount registrations")).to_be_visible()
    public.assert_accessible()
    assert staff.console_errors == [] and public.console_errors == []


@pytest.mark.django_db(transaction=True)
def test_an_officer_records_time_on_a_case_without_javascript(
    visit, live_server, make_case, waste_officer
):
    case = make_case()
    staff = visit(javascript=False)
    staff.sign_in(live_server, waste_officer)
    page = staff.page
    page.goto(f"{live_server.url}/hub/cases/{case.reference}/")
    staff.assert_accessible()
    page.get_by_label("Time spent, in minutes").fill("an hour")
    page.get_by_label("What you did (optional)").fill("Checked the crew's round sheet")
    page.get_by_role("button", name="Record time").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "whole number of minutes, from 1 to 480" in summary
    assert page.get_by_label("What you did (optional)").input_value() == (
        "Checked the crew's round sheet"
    )  # (axe reloads the page by URL, which a refused POST has not got)
    page.get_by_label("Time spent, in minutes").fill("45")
    page.get_by_label("I posted a letter to the resident").check()
    page.get_by_role("button", name="Record time").click()
    expect(
        page.get_by_text("45 minutes of work recorded and a letter posted").first
    ).to_be_visible()
    staff.assert_accessible()
    assert staff.console_errors == []
