"""The chat widget in a real browser: a resident reports fly-tipping and sees the reference;
another asks for a person, an agent answers from the hub, and the resident sees the reply."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from borough.accounts.models import Role, Team
from borough.cases.models import Case
from tests.factories import StaffFactory


def _open_widget(visit, live_server):
    page = visit.page
    page.goto(live_server.url + "/")
    launcher = page.get_by_role("button", name="Chat with us")
    launcher.click()
    expect(launcher).to_have_attribute("aria-expanded", "true")
    panel = page.locator("#app-chat-panel")
    expect(panel.locator(".app-chat__message--assistant").first).to_contain_text("Hello")
    # Focus goes to the message box, which has a label.
    expect(page.locator("#app-chat-input")).to_be_focused()
    return page, panel


def _send(page, panel, text: str, expected: str) -> None:
    page.get_by_label("Your message").fill(text)
    panel.get_by_role("button", name="Send", exact=True).click()
    # Generous: the machine running the tests may be busy.
    expect(panel.locator(".app-chat__log > li").last).to_contain_text(expected, timeout=20000)


@pytest.mark.django_db(transaction=True)
def test_report_fly_tipping_in_the_widget_and_an_agent_answers_another_resident(
    visit, live_server, catalogue, gazetteer
):
    from borough.assistant import nlu

    nlu.load()  # the live server shares this process: its first reply needs no model load
    resident = visit()
    page, panel = _open_widget(resident, live_server)
    resident.assert_accessible()
    _send(page, panel, "Report fly-tipping", "First, what is the postcode?")
    _send(page, panel, "UB8 1QA", "Somewhere on Acacia Avenue")
    _send(page, panel, "1", "Describe exactly where the problem is")
    _send(page, panel, "By the bus stop", "What has been dumped?")
    _send(page, panel, "1, 2", "How much has been dumped?")
    panel.get_by_role("button", name="A single item or bag").click()  # a suggested answer
    expect(panel.locator(".app-chat__log > li").last).to_contain_text(
        "attach a file", timeout=20000
    )
    _send(page, panel, "skip", "Did you see who dumped it?")
    _send(page, panel, "skip", "Can you see anything in the rubbish that shows whose it is?")
    _send(page, panel, "2", "Please check your answers")
    _send(page, panel, "yes", "Your request has been sent")
    case = Case.objects.get()
    assert case.channel == "chat"
    expect(panel).to_contain_text(f"Your reference is {case.reference}")
    expect(panel.get_by_role("link", name="Follow your request")).to_be_visible()

    other = visit(width=375)
    page2, panel2 = _open_widget(other, live_server)
    _send(page2, panel2, "I want to talk to a person", "asked a member of staff")

    agent = StaffFactory(
        first_name="Priya",
        membership__team=Team.objects.get(slug="customer-experience"),
        membership__role=Role.AGENT,
    )
    hub = visit()
    hub.sign_in(live_server, agent)
    hub.page.goto(live_server.url + "/hub/")
    hub.page.get_by_role("link", name="Live chat").click()
    hub.page.locator("table a").first.click()
    expect(hub.page.locator(".app-chat__log")).to_contain_text("I want to talk to a person")
    hub.page.get_by_label("Your reply to the resident").fill("Hello, I am Priya. How can I help?")
    hub.page.get_by_role("button", name="Send reply").click()
    expect(hub.page.locator(".app-chat__log")).to_contain_text("How can I help?")

    # The resident's widget polls and shows the agent's reply.
    expect(panel2.locator(".app-chat__message--agent").last).to_contain_text(
        "Hello, I am Priya. How can I help?", timeout=15000
    )
    other.assert_accessible()
    assert resident.console_errors == [] and other.console_errors == []
