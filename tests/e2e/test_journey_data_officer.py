"""Journey (e), issue 17: a data officer opens the single view, searches for a person, opens the
review queue and decides pairs (a link, not a match, and a skip), counting the clicks
(docs/benchmarks.md)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from borough.accounts.models import Role, Team
from borough.core.actors import SystemActor
from borough.singleview.models import MatchDecision
from borough.singleview.services import linkage_import
from tests.e2e.clicks import Clicks, journey_widths
from tests.factories import StaffFactory
from tests.singleview.linkage_files import make_linkage_file

# From the hub: the single view link, Search (the person's name typed), the person; the review
# queue (from the single view's page), the first pair, then one button per decision.
SEARCH_MINIMUM = 3
REVIEW_MINIMUM = 2 + 3


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", journey_widths(1280))
def test_a_data_officer_finds_a_person_and_decides_pairs(visit, live_server, tmp_path, width):
    linkage_import(actor=SystemActor("tests"), path=make_linkage_file(tmp_path / "people.duckdb"))
    officer = StaffFactory(
        email="data.officer@council.example",
        membership__team=Team.objects.get_or_create(slug="data", defaults={"name": "Data"})[0],
        membership__role=Role.OFFICER,
    )
    staff = visit(width=width, csp_for_axe=True)
    staff.sign_in(live_server, officer)
    page = staff.page
    page.goto(live_server.url + "/hub/")

    search = Clicks(page, "data-search")
    search.link("Single view")
    search.look("single-view")
    page.get_by_label("Name").first.fill("owusu")
    search.button("Search")
    search.look("results")
    search.click(page.locator("main a[href*='/single-view/people/']").first)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Owusu")
    search.look("person")
    staff.assert_accessible()
    search.assert_at_most(SEARCH_MINIMUM)

    review = Clicks(page, "data-review")
    review.link("Single view", exact=True)
    review.link("Review queue")
    review.look("queue")
    review.link("Parking P1 and Waste W1")  # the least sure pair comes first
    review.look("pair")
    staff.assert_accessible()
    review.button("Not sure, skip")
    # The next pair opens at once; the skipped one comes back last.
    expect(page).to_have_title(re.compile("^Review Housing H1 and Parking P1"))
    page.get_by_label("Different people: reject the match").check()
    review.button("Save decision")
    # Only the skipped pair is left: the queue shows it, marked skipped, for another look.
    expect(page).to_have_title(re.compile("^Review queue"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Different people")
    review.link("Parking P1 and Waste W1")
    page.get_by_label("Same person: confirm the match").check()
    review.button("Save decision")
    review.look("done")
    review.assert_at_most(REVIEW_MINIMUM)
    decisions = dict(MatchDecision.objects.values_list("unique_id_l", "decision"))
    assert decisions == {"housing:H1": "non_match", "parking:P1": "match"}
