"""Exit this page in a real browser (issue 22, point 6): on the domestic abuse page, pressing
Shift three times leaves at once; in the chat widget the button leaves and the tab forgets the
conversation, so nobody who picks up the phone afterwards finds it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect


@pytest.mark.django_db(transaction=True)
def test_shift_three_times_leaves_the_domestic_abuse_page(visit, live_server, settings):
    settings.EXIT_THIS_PAGE_URL = live_server.url + "/cookies/"  # somewhere this test can reach
    resident = visit(width=375, csp_for_axe=True)
    page = resident.page
    page.goto(live_server.url + "/help/domestic-abuse/")
    expect(page.get_by_role("button", name="Emergency Exit this page")).to_be_visible()
    resident.assert_accessible()
    page.locator("body").click()
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url("**/cookies/")
    assert resident.console_errors == []


@pytest.mark.django_db(transaction=True)
def test_the_chat_widget_exit_leaves_and_forgets_the_chat(
    visit, live_server, settings, catalogue, gazetteer
):
    from borough.assistant import nlu

    nlu.load()  # the live server shares this process: its first reply needs no model load
    settings.EXIT_THIS_PAGE_URL = live_server.url + "/cookies/"
    resident = visit()
    page = resident.page
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Chat with us").click()
    panel = page.locator("#app-chat-panel")
    page.get_by_label("Your message").fill("my partner hits me")
    panel.get_by_role("button", name="Send", exact=True).click()
    expect(panel.get_by_role("link", name="Domestic abuse: get help")).to_be_visible(timeout=20000)
    panel.get_by_role("button", name="Exit this page").click()
    page.wait_for_url("**/cookies/")
    assert page.evaluate("sessionStorage.getItem('borough-chat')") is None
    # Back does not return to the page with the chat (the exit replaced it in the history).
    page.go_back()
    assert page.url == "about:blank"
