"""A resident reports a missed bin in a real browser, with and without JavaScript; a member of
staff then finds the case in the Resident Hub. Every page is checked with axe-core."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from borough.accounts.models import Role, Team
from borough.cases.models import Case
from borough.core.actors import ResidentActor
from tests.factories import PASSWORD, StaffFactory
from tests.signing_in import sign_in_on_pages


def report_missed_bin(visit, live_server, *, javascript: bool) -> str:
    page = visit.page
    page.goto(live_server.url + "/")
    visit.assert_accessible()
    page.get_by_label("Search council services").fill("bin not collected")
    page.get_by_role("button", name="Search").click()
    visit.assert_accessible()
    page.get_by_role("link", name="Report a missed bin collection").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Report a missed bin collection", use_inner_text=True
    )
    visit.assert_accessible()
    page.get_by_role("button", name="Start now").click()

    # Find the address by postcode: first a postcode that is not in the borough.
    page.get_by_label("Postcode").fill("UB9 9ZZ")
    page.get_by_role("button", name="Find address").click()
    summary = page.locator(".govuk-error-summary")
    assert "We cannot find any addresses at UB9 9ZZ" in summary.inner_text()
    if javascript:
        # GOV.UK Frontend moves focus to the error summary.
        expect(summary).to_be_focused()
    page.get_by_label("Postcode").fill("ub8 1qa")
    page.get_by_role("button", name="Find address").click()
    visit.assert_accessible()
    page.get_by_label("2 Acacia Avenue, Uxbridge, UB8 1QA").check()
    page.get_by_role("button", name="Continue").click()

    # Which bin: first try to continue without choosing.
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    visit.assert_accessible()
    page.locator("input[name=bin_type]").first.check()
    page.get_by_role("button", name="Continue").click()

    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Continue").click()

    today = dt.date.today()
    visit.assert_accessible()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Continue").click()

    page.locator("textarea[name=details]").fill("The lorry skipped the odd numbers")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers", use_inner_text=True
    )
    assert "2 Acacia Avenue, Uxbridge, UB8 1QA" in page.locator(".govuk-summary-list").inner_text()
    visit.assert_accessible()
    page.get_by_role("button", name="Accept and send").click()

    panel = page.locator(".govuk-panel--confirmation")
    assert "Request sent" in panel.inner_text()
    reference = page.get_by_test_id("reference").inner_text()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", reference)
    visit.assert_accessible()
    assert not [e for e in visit.console_errors if "Content Security Policy" in e], (
        visit.console_errors
    )
    page.get_by_label("Satisfied", exact=True).check()
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thank you for your feedback", use_inner_text=True
    )
    visit.assert_accessible()
    return reference


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_resident_reports_a_missed_bin(visit, live_server, catalogue, gazetteer, javascript):
    reference = report_missed_bin(visit(javascript=javascript), live_server, javascript=javascript)
    case = Case.objects.get(reference=reference)
    assert case.service.slug == "report-missed-bin"
    assert case.property_id == 100021500002
    assert case.answers["details"] == "The lorry skipped the odd numbers"


@pytest.mark.django_db(transaction=True)
def test_staff_find_the_new_case_in_the_hub(visit, live_server, catalogue, gazetteer):
    reference = report_missed_bin(visit(javascript=True), live_server, javascript=True)
    officer = StaffFactory(
        email="olu@council.example",
        membership__team=Team.objects.get(slug="waste"),
        membership__role=Role.OFFICER,
    )
    staff = visit(javascript=True, csp_for_axe=True)
    page = staff.page
    page.goto(live_server.url + "/hub/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in", use_inner_text=True)
    staff.assert_accessible()
    sign_in_on_pages(page, officer, PASSWORD)
    row = page.locator("tr", has_text=reference)
    assert "Report a missed bin collection" in row.inner_text()
    assert "Received" in row.inner_text()
    staff.assert_accessible()
    row.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Case {reference}", use_inner_text=True
    )
    expect(page.locator("body")).to_contain_text("The lorry skipped the odd numbers")
    staff.assert_accessible()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [375, 1280], ids=["mobile", "desktop"])
def test_the_exit_page_and_static_pages_are_accessible(
    visit, live_server, catalogue, gazetteer, width
):
    import io

    from borough.places.importer import import_collection_rounds
    from tests.places.test_collections import ROUNDS

    import_collection_rounds(io.StringIO(ROUNDS))
    visitor = visit(javascript=True, width=width, csp_for_axe=True)
    page = visitor.page
    for path in (
        "/",
        "/bin-days/",
        "/bin-days/?postcode=nonsense",
        "/bin-days/?postcode=UB8+1QA",
        "/bin-days/100021500002/",
        "/topics/bins-and-recycling/",
        "/search/?q=xylophone",
        "/accessibility/",
        "/cookies/",
        "/privacy/",
        "/no-such-page/",
    ):
        page.goto(live_server.url + path)
        visitor.assert_accessible()
    page.goto(live_server.url + "/services/report-missed-bin/")
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("Postcode").fill("UB8 1QA")
    page.get_by_role("button", name="Find address").click()
    page.get_by_label("1 Acacia Avenue, Uxbridge, UB8 1QA").check()
    page.get_by_role("button", name="Continue").click()
    page.locator("input[name=bin_type]").first.check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("No").check()
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile("/cannot-continue/bin_out/"))
    visitor.assert_accessible()


@pytest.mark.django_db(transaction=True)
def test_the_queue_filters_and_resident_page_are_accessible(
    visit, live_server, catalogue, gazetteer
):
    from borough.cases.create import case_create
    from borough.core.channels import Channel
    from borough.people.models import Resident

    service = catalogue["report-missed-bin"]
    resident = Resident.objects.create(first_name="Ama", last_name="Owusu", email="ama@example.com")
    case = case_create(
        actor=ResidentActor(resident=resident),
        service=service,
        channel=Channel.PHONE,
        resident=resident,
        answers={
            "address": 100021500002,
            "bin_type": service.form.by_id["bin_type"].options[0].value,
            "bin_out": "yes",
            "collection_date": dt.date.today().isoformat(),
        },
    )
    agent = StaffFactory(
        email="amir@council.example",
        membership__team=Team.objects.get(slug="customer-experience"),
        membership__role=Role.AGENT,
    )
    staff = visit(javascript=True, csp_for_axe=True)
    page = staff.page
    page.goto(live_server.url + "/hub/")
    sign_in_on_pages(page, agent, PASSWORD)
    page.get_by_label("Search").fill("owusu")
    page.get_by_role("button", name="Apply filters").click()
    assert case.reference in page.locator("table").inner_text()
    staff.assert_accessible()
    page.get_by_role("link", name=case.reference).click()
    page.get_by_role("link", name="Ama Owusu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ama Owusu", use_inner_text=True)
    staff.assert_accessible()


@pytest.mark.django_db(transaction=True)
def test_a_signed_in_resident_saves_and_comes_back(visit, live_server, catalogue, gazetteer):
    from tests.factories import ResidentUserFactory

    resident = ResidentUserFactory(email="ama@example.com")
    visitor = visit(javascript=False)
    visitor.sign_in(live_server, resident)
    page = visitor.page
    page.goto(live_server.url + "/services/report-missed-bin/")
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("Postcode").fill("UB8 1QA")
    page.get_by_role("button", name="Find address").click()
    page.get_by_label("2 Acacia Avenue, Uxbridge, UB8 1QA").check()
    visitor.assert_accessible()
    page.get_by_role("button", name="Save and come back later").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your answers have been saved", use_inner_text=True
    )
    visitor.assert_accessible()
    page.goto(live_server.url + "/services/report-missed-bin/")
    expect(page.locator("body")).to_contain_text("You saved your answers on")
    visitor.assert_accessible()
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile("/questions/bin_type/"))


def _tab_to(page, name: str, *, limit: int = 60) -> None:
    """Press Tab until the focused element's accessible text contains ``name``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement;"
            " const label = e.labels && e.labels.length ? e.labels[0].innerText : '';"
            " return (e.innerText || e.value || '') + ' ' + label; }"
        )
        if name in focused:
            return
    raise AssertionError(f"Could not reach {name!r} with the Tab key")


@pytest.mark.django_db(transaction=True)
def test_the_main_journey_works_with_the_keyboard_only(visit, live_server, catalogue, gazetteer):
    visitor = visit(javascript=True, csp_for_axe=True)
    page = visitor.page
    page.goto(live_server.url + "/")
    # The skip link is the first thing the keyboard reaches.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.innerText") == "Skip to main content"
    _tab_to(page, "Report a missed bin collection")
    page.keyboard.press("Enter")
    page.wait_for_url("**/services/report-missed-bin/")
    _tab_to(page, "Start now")
    page.keyboard.press("Enter")
    page.wait_for_url("**/questions/address/")
    _tab_to(page, "Postcode")
    page.keyboard.type("UB8 1QA")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=addresses found for")
    _tab_to(page, "1 Acacia Avenue")
    page.keyboard.press("ArrowDown")  # radios move with the arrow keys
    assert page.get_by_label("2 Acacia Avenue, Uxbridge, UB8 1QA").is_checked()
    page.keyboard.press("Enter")
    page.wait_for_url("**/questions/bin_type/")
    _tab_to(page, "General waste")
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    page.wait_for_url("**/questions/bin_out/")
    _tab_to(page, "Yes")
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    page.wait_for_url("**/questions/collection_date/")
    today = dt.date.today()
    _tab_to(page, "Day")
    page.keyboard.type(str(today.day))
    page.keyboard.press("Tab")
    page.keyboard.type(str(today.month))
    page.keyboard.press("Tab")
    page.keyboard.type(str(today.year))
    page.keyboard.press("Enter")
    page.wait_for_url("**/questions/details/")
    _tab_to(page, "Is there anything else")
    page.keyboard.type("Typed without a mouse")
    _tab_to(page, "Continue")
    page.keyboard.press("Enter")
    page.wait_for_url("**/check-answers/")
    _tab_to(page, "Accept and send")
    page.keyboard.press("Enter")
    page.wait_for_url("**/confirmation/")
    reference = page.get_by_test_id("reference").inner_text()
    case = Case.objects.get(reference=reference)
    assert case.answers["details"] == "Typed without a mouse"
    assert case.property_id == 100021500002
