"""On a phone and a desktop: the "Chat with us" button never covers a question's answers, and
the performance page's table fits the screen (issue 17, point 8). Screenshots of the pages
changed for issue 17 go to var/screenshots/ to be looked at."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from borough.insights.services import counts_rebuild
from tests.factories import ResidentUserFactory
from tests.insights.data import build_week

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
START = "/services/report-missed-bin/"


def _shot(page, name: str, width: int) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


def _overlaps(a: dict, b: dict) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def _launcher_covers_a_label(page) -> list[str]:
    """Scroll each radio label to the bottom of the screen (where a floating button sits);
    return those the chat launcher covers there."""
    covered = []
    launcher = page.locator(".app-chat-widget__launcher")
    for label in page.locator(".govuk-radios__label").all():
        label.evaluate("element => element.scrollIntoView({block: 'end'})")
        if launcher.is_visible() and _overlaps(launcher.bounding_box(), label.bounding_box()):
            covered.append(label.inner_text())
    return covered


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [375, 1280])
def test_the_chat_button_never_covers_an_answer(visit, live_server, catalogue, gazetteer, width):
    browser = visit(width=width)
    page = browser.page
    page.goto(live_server.url + START)
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("Postcode").fill("UB8 1QA")
    page.get_by_role("button", name="Find address").click()
    page.get_by_label("2 Acacia Avenue").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/questions/bin_type/")
    page.get_by_role("button", name="Continue").click()  # nothing chosen: the error names it
    assert "Select which bin was not collected" in page.locator(".govuk-error-summary").inner_text()
    assert _launcher_covers_a_label(page) == []
    _shot(page, "question-bin-type", width)
    # The launcher is still there to use, at the end of the page.
    assert page.locator(".app-chat-widget__launcher").count() == 1
    # On to the confirmation: it promises no email, and offers to send updates.
    page.get_by_label("Food waste (green caddy)").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Continue").click()
    today = timezone.localdate()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Send").click()
    page.wait_for_url("**/confirmation/")
    assert "We will not email or phone you" in page.locator("main").inner_text()
    _shot(page, "confirmation", width)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [375, 1280])
def test_the_performance_table_fits_a_phone(visit, live_server, catalogue, agent, width):
    first = (timezone.localdate().replace(day=1) - dt.timedelta(days=40)).replace(day=2)
    build_week(first=first, catalogue=catalogue, agent=agent)
    counts_rebuild(start=first - dt.timedelta(days=15), end=first + dt.timedelta(days=10))
    browser = visit(width=width)
    page = browser.page
    page.goto(live_server.url + "/performance/")
    overflow = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth,"
        " ...[...document.querySelectorAll('.app-table-wrapper')].map("
        "e => e.scrollWidth - e.clientWidth)]"
    )
    assert page.locator("tbody tr").count() >= 1
    scroll_width, inner_width, *wrappers = overflow
    assert scroll_width <= inner_width, overflow
    assert all(extra <= 1 for extra in wrappers), overflow
    _shot(page, "performance", width)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [375, 1280])
def test_a_new_account_adds_its_address_in_the_browser(
    visit, live_server, catalogue, gazetteer, width
):
    user = ResidentUserFactory(email=f"new{width}@example.com")
    browser = visit(width=width)
    browser.sign_in(live_server, user)
    page = browser.page
    page.goto(live_server.url + "/my-account/")
    _shot(page, "myaccount-new", width)
    page.get_by_role("link", name="Add your address").click()
    page.get_by_label("Postcode").fill("UB8 1QA")
    page.get_by_role("button", name="Find address").click()
    _shot(page, "myaccount-address", width)
    page.get_by_label("2 Acacia Avenue").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/my-account/")
    assert "2 Acacia Avenue" in page.locator("main").inner_text()
    browser.assert_accessible()
    _shot(page, "myaccount-with-address", width)
