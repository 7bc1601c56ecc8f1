"""An agent with a caller on the phone, in a real browser at desktop and phone widths (issue 17,
points 10 to 12): the queue opens on work to do, the agent finds the caller by the number they
give, raises a request with their address and email already filled in, and reads a waiting
chat in words. Each page passes axe-core and nothing overflows sideways at 375px.

Set BOROUGH_SCREENSHOTS to a folder to keep a screenshot of each page."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from borough.assistant.models import ChatMessage, Conversation
from borough.cases.models import Case, Status
from borough.people.models import Household, Resident
from borough.places.models import Property
from tests.e2e.clicks import Clicks

# The GOV.UK pattern's minimum for an agent raising a request for a caller: find the caller
# (the search page, Search), the caller's "Raise a request", Start, one Continue for each of the
# three questions the council cannot answer itself (which bin, why, what happened), then, as a
# new bin is paid for (issue 20), "Take the payment" and Pay's "Confirm payment" with the card
# the caller reads out (docs/benchmarks.md).
AGENT_MINIMUM = 2 + 1 + 1 + 3 + 2
OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"


def _look(staff, name: str, width: int) -> None:
    staff.assert_accessible()
    if width < 400:
        assert staff.page.evaluate(OVERFLOW), f"{name} overflows sideways at {width}px"
    folder = os.environ.get("BOROUGH_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        staff.page.screenshot(path=f"{folder}/agent-{name}-{width}.png", full_page=True)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 375])
def test_an_agent_finds_a_caller_and_raises_their_request(
    visit, live_server, catalogue, gazetteer, make_case, agent, width, settings
):
    # The embedded GOV.UK Pay sandbox answers on the live server (a new bin is paid for).
    settings.SITE_URL = live_server.url
    settings.GOVUK_PAY_BASE_URL = live_server.url + "/sandbox/pay"
    home = Household.objects.create(property=Property.objects.get(uprn=100021500002))
    ama = Resident.objects.create(
        first_name="Ama",
        last_name="Owusu",
        email="ama.owusu@example.com",
        phone="+447700900982",
        date_of_birth=dt.date(1961, 4, 2),
        household=home,
        preferred_language="gu",
    )
    Resident.objects.create(first_name="Kofi", last_name="Owusu", household=home)
    old = make_case(100021500005)
    Case.objects.filter(pk=old.pk).update(
        status=Status.CLOSED, due_date=dt.date.today() - dt.timedelta(days=300)
    )
    open_case = make_case(100021500002, resident=ama)
    now = timezone.now()
    chat = Conversation.objects.create(
        started_at=now - dt.timedelta(minutes=9),
        updated_at=now,
        waiting_since=now - dt.timedelta(minutes=7),
        status=Conversation.Status.WAITING,
        priority=Conversation.Priority.SUPPORT,
        handover_reason="asked",
        resident=ama,
        language="fr",
    )
    ChatMessage.objects.create(
        conversation=chat,
        seq=1,
        sender=ChatMessage.Sender.RESIDENT,
        text="J'ai besoin d'aide pour me loger, mon propriétaire veut que je parte",
        understood={"intent": "faq:housing-advice", "language": "fr", "flags": []},
        at=now - dt.timedelta(minutes=8),
    )

    staff = visit(width=width, csp_for_axe=True)
    staff.sign_in(live_server, agent)
    page = staff.page
    page.goto(live_server.url + "/hub/")
    expect(page.get_by_role("link", name=open_case.reference)).to_be_visible()
    expect(page.get_by_role("link", name=old.reference)).to_have_count(0)
    _look(staff, "queue", width)

    # Counting clicks from the queue to the request raised (docs/benchmarks.md).
    call = Clicks(page, "agent-new-bin")
    call.link("Find a resident")
    page.get_by_label("Name, phone number, email, address, postcode or case reference").fill(
        "07700 900 982"
    )
    call.button("Search")
    expect(page.get_by_role("heading", name="1 resident found")).to_be_visible()
    _look(staff, "resident-search", width)

    call.link("Raise a request for Ama Owusu")
    page.get_by_label("Service", exact=True).select_option(label="Request a new or replacement bin")
    call.button("Start")
    # The address is known: the first question is one the council cannot answer.
    expect(page.get_by_text("Which bin do you need?")).to_be_visible()
    page.locator("input[name=bin_type]").first.check()
    call.button("Continue")
    page.locator("input[name=reason]").first.check()
    call.button("Continue")
    call.button("Continue")  # what happened: optional
    # Her email is known too: it is filled in, for the agent to read back to her.
    # Her address and email are known, so neither is asked: the agent checks them with her.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check the answers")
    expect(page.locator(".govuk-summary-list")).to_contain_text("ama.owusu@example.com")
    _look(staff, "raise-check", width)
    # A new bin is paid for: the agent takes the caller's card on Pay's page (MOTO), and the
    # request is raised only once the payment has gone through.
    call.button(re.compile(r"^Take the payment of £"))
    expect(page.get_by_test_id("sandbox-moto")).to_be_visible()
    page.get_by_label("Card number").fill("4444333322221111")
    call.button("Confirm payment")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Payment of £")
    assert Case.objects.filter(resident=ama).count() == 2
    call.assert_at_most(AGENT_MINIMUM)

    page.goto(live_server.url + f"/hub/residents/{ama.pk}/")
    expect(page.get_by_text("Gujarati")).to_be_visible()
    expect(page.get_by_role("link", name="Chat on")).to_be_visible()
    _look(staff, "resident", width)

    page.goto(live_server.url + "/hub/live-chat/")
    expect(page.get_by_role("link", name="Ama Owusu")).to_be_visible()
    _look(staff, "livechat-queue", width)
    page.get_by_role("link", name="Ama Owusu").click()
    expect(page.get_by_text("Asked about: Housing advice")).to_be_visible()
    _look(staff, "livechat-chat", width)
