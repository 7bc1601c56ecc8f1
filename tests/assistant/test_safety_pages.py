"""A resident who tells the chat about abuse, or a child or adult at risk, gets the help page with
the numbers (the page carries "Exit this page") beside the emergency numbers (issue 22)."""

from __future__ import annotations


def _links(chat) -> list[str]:
    return [link["url"] for m in chat.conversation.messages.all() for link in (m.links or [])]


def test_domestic_abuse_links_the_domestic_abuse_page(chat):
    replies = chat.start("my husband hits me and I am scared to go home")
    assert any("999" in r for r in replies)
    assert "/help/domestic-abuse/" in _links(chat)
    assert chat.conversation.status == "waiting"  # and a person is on the way


def test_a_child_at_risk_links_the_report_a_concern_page(chat):
    chat.start("the kids next door are left home alone all day and night and not fed")
    assert "/help/report-a-concern/" in _links(chat)


def test_an_ordinary_request_links_no_safety_page(chat):
    chat.start("my bin was not collected")
    links = _links(chat)
    assert "/help/domestic-abuse/" not in links and "/help/report-a-concern/" not in links
