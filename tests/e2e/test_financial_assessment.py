"""Issue 19's acceptance: a financial assessment from the resident's form, through the officer's
check, to the letter, in a real browser without JavaScript. The resident's answers own other
property and claim disability-related expenses over £25 a week, so the rules flag the case; a
benefits officer sees the answers and the calculation, allows £20 of the £40 claimed, and the
letter with the calculation is in the resident's account."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps
from playwright.sync_api import expect

from borough.accounts.models import Role, Team
from borough.processes.shipped import load_shipped
from tests.factories import ResidentFactory, ResidentUserFactory, StaffFactory

START = "/services/care-financial-assessment/"


def _answer(page, label: str, value: str) -> None:
    page.get_by_label(label, exact=True).fill(value)
    page.get_by_role("button", name="Continue").click()


def _choose(page, option: str) -> None:
    page.get_by_label(option, exact=True).check()
    page.get_by_role("button", name="Continue").click()


@pytest.mark.django_db(transaction=True)
def test_a_flagged_assessment_goes_from_the_form_through_the_officer_to_the_letter(
    visit, live_server, catalogue, gazetteer
):
    load_shipped()
    # The charging figures are a data migration's rows, which an earlier browser test's flush
    # (transaction=True) takes away: put them back as the migration does.
    seed = importlib.import_module("borough.processes.migrations.0003_processes_care_rates_2025")
    seed.seed(django_apps, None)
    user = ResidentUserFactory(email="ada@example.com")
    ResidentFactory(user=user, email=user.email, first_name="Ada", last_name="Lovelace")
    officer = StaffFactory(
        email="bea@council.example",
        membership__team=Team.objects.get(slug="benefits"),
        membership__role=Role.OFFICER,
    )

    resident = visit(javascript=False)
    resident.sign_in(live_server, user)
    page = resident.page
    page.goto(live_server.url + START)
    resident.assert_accessible()
    page.get_by_role("button", name="Start now").click()
    _choose(page, "At home")
    _choose(page, "Yes")  # State Pension age
    _answer(page, "How much does your care cost each week?", "200")
    _answer(page, "How much do you get each week from pensions?", "£250")
    # A mistake: the error says what to do, on the page, and nothing is lost
    _answer(page, "How much do you get each week in benefits?", "fifty")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a number")
    resident.assert_accessible()
    _answer(page, "How much do you get each week in benefits?", "50")
    _answer(page, "How much do you earn each week from work, after tax?", "0")
    _answer(page, "How much do you have in savings?", "2000")
    _answer(page, "What are your investments worth?", "0")
    _choose(page, "No")  # does not own the home
    _choose(page, "Yes")  # owns other property
    _answer(page, "What is your other property or land worth?", "10000")
    _answer(
        page, "How much do you spend each week on extra costs because of your disability?", "40"
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check your answers")
    expect(page.locator("main")).to_contain_text("£10,000.00")
    resident.assert_accessible()
    page.get_by_role("button", name="Accept and send").click()
    reference = page.get_by_test_id("reference").inner_text().strip()

    page.goto(f"{live_server.url}/my-account/requests/{reference}/")
    expect(page.get_by_test_id("assessment-status")).to_have_text(
        "An officer is checking your answers"
    )

    staff = visit(javascript=False)
    staff.sign_in(live_server, officer)
    hub = staff.page
    hub.goto(live_server.url + "/hub/processes/")
    hub.get_by_role("link", name=f"Officer checks the assessment for {reference}").click()
    main = hub.locator("main")
    expect(main).to_contain_text("Owns property: check whether its value counts as capital")
    expect(main).to_contain_text("Disability-related expenses over £25 a week")
    expect(main).to_contain_text("Other property or land")
    expect(main).to_contain_text("Minimum income guarantee you keep: £237.30")
    staff.assert_accessible()
    hub.get_by_label("Disability-related expenses allowed, in pounds a week").fill("20")
    hub.get_by_label("Note for the letter (optional)").fill("Receipts seen for £20 a week.")
    hub.get_by_role("button", name="Done: carry on the process").click()
    expect(hub.locator("body")).to_contain_text(
        f"Done: Officer checks the assessment for {reference}"
    )

    page.goto(f"{live_server.url}/my-account/requests/{reference}/")
    expect(page.get_by_test_id("assessment-status")).to_have_text("Letter sent")
    letter = page.get_by_test_id("assessment-letter")
    # £300 - £237.30 minimum income guarantee - £20 allowed
    expect(page.locator("main")).to_contain_text("You will pay £42.70 a week")
    expect(letter).to_contain_text("Other property or land: £10,000.00, counted as capital")
    expect(letter).to_contain_text("Our officer's note: Receipts seen for £20 a week.")
    resident.assert_accessible()
