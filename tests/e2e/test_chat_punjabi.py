"""A Punjabi-speaking resident and an English-speaking agent read each other (issue 22).

The resident reports a missed bin in the chat widget, in Gurmukhi, and gets every question and
the reference in Punjabi; then asks for a person and writes a follow-up. The agent, with no
translation service configured (offline, as by default), reads the follow-up with the closest
English phrase the assistant knows beside it and sends a ready-made reply, which the resident
reads in Punjabi (machine translation) with the agent's English under it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from borough.accounts.models import Role, Team
from borough.cases.models import Case
from tests.factories import StaffFactory

FOLLOW_UP = "ਕੂੜਾ ਚੁੱਕਣ ਵਾਲੇ ਦੁਬਾਰਾ ਕਦੋਂ ਆਉਣਗੇ? ਸਾਡਾ ਕੂੜੇਦਾਨ ਹਾਲੇ ਵੀ ਬਾਹਰ ਭਰਿਆ ਪਿਆ ਹੈ"
READY = "The crew will come back to collect your bin within 2 working days."
READY_PA = "ਅਮਲਾ 2 ਕੰਮਕਾਜੀ ਦਿਨਾਂ ਦੇ ਅੰਦਰ ਤੁਹਾਡਾ ਕੂੜੇਦਾਨ ਖ਼ਾਲੀ ਕਰਨ ਲਈ ਵਾਪਸ ਆਵੇਗਾ।"


def _send(page, panel, text: str, expected: str) -> None:
    page.get_by_label("Your message").fill(text)
    panel.get_by_role("button", name="Send", exact=True).click()
    # Generous: the machine running the tests may be busy.
    expect(panel.locator(".app-chat__log > li").last).to_contain_text(expected, timeout=20000)


@pytest.mark.django_db(transaction=True)
def test_a_punjabi_resident_reports_a_missed_bin_and_an_agent_answers_in_punjabi(
    visit, live_server, catalogue, gazetteer
):
    from borough.assistant import nlu

    nlu.load()  # the live server shares this process: its first reply needs no model load
    resident = visit(width=375)
    page = resident.page
    page.goto(live_server.url + "/", timeout=60000)  # the first page on a busy machine
    page.get_by_role("button", name="Chat with us").click()
    panel = page.locator("#app-chat-panel")
    expect(panel.locator(".app-chat__message--assistant").first).to_contain_text("Hello")

    # "Hello, our rubbish was not collected this week": the missed-bin request, in Punjabi.
    _send(page, panel, "ਸਤ ਸ੍ਰੀ ਅਕਾਲ ਜੀ, ਇਸ ਹਫ਼ਤੇ ਸਾਡਾ ਕੂੜਾ ਨਹੀਂ ਚੁੱਕਿਆ ਗਿਆ", "ਪਹਿਲਾਂ, ਪੋਸਟਕੋਡ ਕੀ ਹੈ?")
    expect(panel).to_contain_text("ਮਸ਼ੀਨੀ ਅਨੁਵਾਦ")  # labelled as machine translation
    _send(page, panel, "UB8 1QA", "ਇਸ ਸੂਚੀ ਵਿੱਚੋਂ ਥਾਂ ਦਾ ਨੰਬਰ ਲਿਖੋ:")
    _send(page, panel, "1", "ਕਿਹੜਾ ਕੂੜੇਦਾਨ ਖ਼ਾਲੀ ਨਹੀਂ ਕੀਤਾ ਗਿਆ?")
    _send(page, panel, "ਆਮ ਕੂੜਾ (ਕਾਲਾ ਕੂੜੇਦਾਨ)", "ਸਵੇਰੇ 6 ਵਜੇ")
    _send(page, panel, "ਹਾਂ", "ਇਹ ਕਦੋਂ ਚੁੱਕਿਆ ਜਾਣਾ ਚਾਹੀਦਾ ਸੀ?")
    _send(page, panel, "ਅੱਜ", "ਕੀ ਕੋਈ ਹੋਰ ਗੱਲ ਹੈ ਜੋ ਸਾਨੂੰ ਪਤਾ ਹੋਣੀ ਚਾਹੀਦੀ ਹੈ?")
    _send(page, panel, "ਛੱਡੋ", "ਕਿਰਪਾ ਕਰਕੇ ਆਪਣੇ ਜਵਾਬਾਂ ਦੀ ਜਾਂਚ ਕਰੋ:")
    _send(page, panel, "ਹਾਂ", "ਤੁਹਾਡੀ ਬੇਨਤੀ ਭੇਜ ਦਿੱਤੀ ਗਈ ਹੈ।")
    case = Case.objects.get()
    assert case.service.slug == "report-missed-bin" and case.channel == "chat"
    assert case.answers["bin_type"] == "general_waste"
    expect(panel).to_contain_text(case.reference)

    # A follow-up for a person: "When will the collectors come again? Our bin is still out".
    _send(page, panel, "ਕਿਸੇ ਵਿਅਕਤੀ ਨਾਲ ਗੱਲ ਕਰੋ", "ਮੈਂ ਸਟਾਫ਼ ਦੇ ਇੱਕ ਮੈਂਬਰ ਨੂੰ")
    _send(page, panel, FOLLOW_UP, FOLLOW_UP)

    agent = StaffFactory(
        first_name="Priya",
        membership__team=Team.objects.get(slug="customer-experience"),
        membership__role=Role.AGENT,
    )
    hub = visit()
    hub.sign_in(live_server, agent)
    hub.page.goto(live_server.url + "/hub/live-chat/")
    hub.page.locator("table a").first.click()
    log = hub.page.locator(".app-chat__log")
    # The agent reads the follow-up in Punjabi, with English beside it that says what it is.
    follow_up = log.locator(".app-chat__message--resident").filter(has_text=FOLLOW_UP)
    expect(follow_up).to_contain_text(
        "Closest English phrase the assistant knows (not a translation):"
    )
    expect(follow_up.locator(".app-chat__translation")).to_contain_text("collection")
    expect(hub.page.locator("#language-note")).to_contain_text("The resident writes in Punjabi")
    expect(log).to_contain_text("Asked about: Report a missed bin collection")
    hub.assert_accessible()

    # A ready-made reply, sent in Punjabi from the chat's catalogue.
    hub.page.get_by_label(READY).check()
    hub.page.get_by_role("button", name="Send reply").click()
    sent = log.locator(".app-chat__message--agent").last
    expect(sent).to_contain_text(READY)
    expect(sent).to_contain_text(f"Sent in Punjabi (machine translation): {READY_PA}")

    # The resident's widget polls and shows the reply in Punjabi, the agent's English under it.
    reply = panel.locator(".app-chat__message--agent").last
    expect(reply).to_contain_text(READY_PA, timeout=15000)
    expect(reply).to_contain_text(f"(Machine translation. Original: {READY})")
    resident.assert_accessible()
    assert resident.console_errors == [] and hub.console_errors == []
