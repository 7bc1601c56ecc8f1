"""The most used resident tasks not walked elsewhere (docs/benchmarks.md, click counts): each
found by searching from the home page in the resident's words, answered page by page as a
resident would, and sent; the clicks are counted against the GOV.UK pattern's minimum (find:
search and the result; Start now; one Continue a question page, two for an address or a
location found by postcode; Accept and send)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from borough.assistant import nlu
from borough.catalogue.answers import Exit
from tests.e2e.clicks import Clicks
from tests.portal.test_every_service import CURRENT_FORM, next_step_for

TASKS = [
    ("request-new-bin", "my wheelie bin was stolen"),
    ("book-bulky-waste-collection", "collect an old sofa"),
    ("report-housing-repair", "repair in my council flat"),
    ("council-tax-account", "question about my council tax bill"),
]


def pattern_minimum(service) -> int:
    pages = sum(2 if q.type in ("address", "location") else 1 for q in service.form.questions)
    return 2 + 1 + pages + 1


def _answer(page, walk: Clicks, question) -> None:
    """Answer ``question`` on its page as a resident would, then Continue."""
    name, kind = question.id, question.type
    if kind in ("address", "location"):
        page.get_by_label("Postcode").fill("UB8 1QA")
        walk.button("Find address")
        if kind == "address":
            page.locator(f"input[name={name}]").first.check()
        else:
            page.locator(f"input[name={name}]").first.check()
            page.get_by_label("Describe exactly where it is").fill("Outside number 2")
    elif kind == "selection":
        option = next(
            o
            for o in question.options
            if not isinstance(
                next_step_for(question, [o.value] if question.multiple else o.value), Exit
            )
        )
        page.locator(f"input[name={name}][value='{option.value}']").check()
    elif kind == "date":
        day = dt.date.today() + dt.timedelta(days=7 if question.allow == "future" else 0)
        page.get_by_label("Day").fill(str(day.day))
        page.get_by_label("Month").fill(str(day.month))
        page.get_by_label("Year").fill(str(day.year))
    elif kind == "number":
        page.locator(f"[name={name}]").fill(str(int(question.min or 1)))
    elif kind == "email":
        page.locator(f"[name={name}]").fill("ama.owusu@example.com")
    elif kind == "name":
        page.locator(f"[name={name}]").fill("Ama Owusu")
    elif kind == "phone":
        page.locator(f"[name={name}]").fill("07700 900 982")
    elif kind == "text" and question.required:
        page.locator(f"[name={name}]").fill("The kitchen tap drips all night and day")
    walk.button("Continue")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("slug", "words"), TASKS, ids=[slug for slug, _w in TASKS])
def test_a_resident_finds_and_completes_a_common_task(
    visit, live_server, catalogue, gazetteer, slug, words, settings
):
    nlu.load()  # the live server shares this process: search needs no model load
    # Paid services pay on the embedded GOV.UK Pay sandbox, served by this live server.
    settings.SITE_URL = live_server.url
    settings.GOVUK_PAY_BASE_URL = live_server.url + "/sandbox/pay"
    service = catalogue[slug]
    CURRENT_FORM[0] = service.form
    resident = visit(width=375)
    page = resident.page
    walk = Clicks(page, slug)
    page.goto(live_server.url + "/")
    page.get_by_label("Search council services").fill(words)
    walk.button("Search")
    walk.link(service.name, exact=True)
    walk.button("Start now")
    while "/check-answers/" not in page.url:
        question_id = re.search(r"/questions/([a-z0-9_-]+)/", page.url).group(1)
        _answer(page, walk, service.form.by_id[question_id])
        expect(page.locator(".govuk-error-summary")).to_have_count(0)
    walk.look("check")
    minimum = pattern_minimum(service)
    if page.get_by_role("button", name="Continue to payment").count():
        # A paid service (issue 20): check answers sends the resident to pay, and the case is
        # made once paid. GOV.UK Pay's card page is one more page in the pattern: its button
        # takes the place of "Accept and send", and confirming the payment is one more click.
        walk.button("Continue to payment")
        page.get_by_label("Card number").fill("4444 3333 2222 1111")
        walk.button("Confirm payment")
        minimum += 1
    else:
        walk.button("Accept and send")
    expect(page.locator(".govuk-panel--confirmation")).to_contain_text("Request sent")
    walk.assert_at_most(minimum)
    print(f"CLICKS {slug}: {walk.count} (minimum {minimum})")
