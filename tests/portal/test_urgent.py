"""Urgent needs put the right number before any result (issue 17, point 1): someone fleeing
domestic abuse or locked out of their home by a landlord needs the housing options number at
once, however they say it; someone locked out of their car does not."""

from __future__ import annotations

import pytest

from borough.portal.urgent import urgent_notice

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "query",
    [
        "escaping an abusive partner and nowhere safe to go",
        "left my violent husband last night with the kids",
        "running away from domestic abuse, need a place to stay",
        "my landlord has locked me out of my flat",
        "the landlord swapped the locks on my room while I was at work",
        "locks were changed and all my stuff is inside",
        "I think I have been illegally evicted",
        "need somewhere to sleep",
    ],
)
def test_losing_a_home_now_shows_the_housing_options_number(query):
    notice = urgent_notice(query)
    assert notice is not None and notice.kind == "homeless", query
    assert "020 7946 0300" in notice.numbers
    assert notice.service_url == "/services/homelessness/"


@pytest.mark.parametrize(
    "query",
    [
        "locked out of my car",
        "need somewhere to park",
        "change the locks on my council flat",
        "domestic abuse advice leaflet",
        "my landlord won't fix the boiler",
    ],
)
def test_ordinary_needs_with_the_same_words_are_not_urgent_housing(query):
    notice = urgent_notice(query)
    assert notice is None or notice.kind != "homeless", query


@pytest.mark.parametrize("query", ["my boyfriend beats me", "domestic violence at home"])
def test_someone_being_abused_sees_the_helpline_and_999_first(query):
    notice = urgent_notice(query)
    assert notice is not None and notice.kind == "abuse", query
    assert "0808 2000 247" in notice.numbers and "999" in notice.numbers
    assert notice.url == "/help/domestic-abuse/"


def test_a_child_at_risk_shows_the_safeguarding_numbers_first():
    notice = urgent_notice("worried the kids next door are left home alone at night")
    assert notice is not None and notice.kind == "concern"
    assert "020 7946 0500" in notice.numbers and notice.url == "/help/report-a-concern/"


def test_the_search_page_for_abuse_has_exit_this_page(client, catalogue):
    page = client.get("/search/", {"q": "my boyfriend beats me"}).content.decode()
    number, results = page.find("0808 2000 247"), page.find('class="govuk-list app-results"')
    assert number != -1 and (results == -1 or number < results)
    assert "govuk-exit-this-page" in page
    ordinary = client.get("/search/", {"q": "missed bin"}).content.decode()
    assert "govuk-exit-this-page" not in ordinary
