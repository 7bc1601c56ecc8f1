"""Search finds what residents mean, services and help pages, with the number to call first
when the need is urgent (issue 17), through the search page as a resident uses it."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from borough.portal import finder

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _search(client, query: str) -> str:
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def _results(page: str) -> list[str]:
    """The links of the results, in order."""
    block = page.split('<ul class="govuk-list app-results">', 1)
    if len(block) < 2:
        return []
    return re.findall(r'<h2[^>]*><a class="govuk-link" href="([^"]+)"', block[1].split("</ul>")[0])


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("housing benefit", "/services/benefits-and-council-tax-reduction/"),
        ("blue badge", "/services/blue-badge/"),
        ("i'm homeless", "/services/homelessness/"),
        ("I want to complain about how I was treated", "/services/complaint/"),
        ("freedom of information request", "/services/foi-request/"),
        ("question about my council tax bill", "/services/council-tax-account/"),
        ("refer a patient who is homeless on discharge", "/services/duty-to-refer/"),
        ("what band is my council tax", "/help/council-tax-bands/"),
        ("when does the library open", "/help/libraries/"),
        ("housing ombudsman", "/help/ombudsman/"),
        ("contact us", "/help/contact-us/"),
    ],
)
def test_the_first_result_is_what_the_resident_meant(client, catalogue, query, first):
    results = _results(_search(client, query))
    assert results, f"nothing found for {query!r}"
    assert results[0] == first


def test_housing_benefit_and_blue_badge_are_not_repairs_or_parking_problems(client, catalogue):
    assert "/services/report-housing-repair/" not in _results(_search(client, "housing benefit"))
    assert _results(_search(client, "blue badge"))[0] != "/services/report-parking-problem/"


def test_homeless_shows_the_housing_options_number_before_any_result(client, catalogue):
    page = _search(client, "i'm homeless")
    number = page.find("020 7946 0300")
    first_result = page.find('<ul class="govuk-list app-results">')
    assert number != -1 and first_result != -1
    assert number < first_result
    assert "0800 000 0000" in page[:first_result]  # at night and at weekends
    assert 'href="/services/homelessness/"' in page[:first_result]  # and the form to follow up


@pytest.mark.parametrize(
    ("query", "number"),
    [
        ("I can smell gas in my kitchen", "0800 111 999"),
        ("water pouring through the ceiling at 2am", "0800 000 0000"),
        ("nowhere to sleep tonight", "020 7946 0300"),
    ],
)
def test_urgent_needs_get_the_right_number_first(client, catalogue, query, number):
    page = _search(client, query)
    banner = page.find('data-urgent="')
    assert banner != -1, f"no urgent number for {query!r}"
    assert number in page[banner : page.find("</div>\n      </div>", banner)]
    results = page.find('<ul class="govuk-list app-results">')
    assert results == -1 or banner < results


def test_ordinary_searches_show_no_urgent_banner(client, catalogue):
    for query in ("missed bin", "pothole", "parking permit", "library card"):
        assert 'data-urgent="' not in _search(client, query)


def test_nonsense_still_finds_nothing(client, catalogue):
    page = _search(client, "xylophone lessons")
    assert _results(page) == []
    assert "There are no services matching" in page


def test_help_is_linked_from_the_home_page_and_every_page_offers_contact_us(client, catalogue):
    home = client.get("/").content.decode()
    assert 'href="/help/"' in home
    for path in ("/", "/search/?q=bin", "/help/", "/services/report-pothole/", "/bin-days/"):
        page = client.get(path).content.decode()
        footer = page[page.find('<footer class="govuk-footer">') :]
        assert 'href="/help/contact-us/">Contact us</a>' in footer, path
        assert 'href="/help/"' in footer, path


def test_the_homelessness_page_gives_the_number_before_anything_else(client, catalogue):
    page = client.get("/services/homelessness/").content.decode()
    main = page[page.find("<main") :]
    first_paragraph = re.search(r'<p class="govuk-body[^"]*">(.*?)</p>', main, re.S)
    assert first_paragraph is not None
    text = first_paragraph.group(1)
    assert "nowhere to sleep tonight" in text and "020 7946 0300" in text


def test_complaints_explain_the_stages_and_the_ombudsman(client, catalogue):
    page = client.get("/services/complaint/").content.decode()
    assert "10 working days" in page and "20 working days" in page
    assert "Local Government and Social Care Ombudsman" in page
    assert "Housing Ombudsman" in page
    ombudsman = client.get("/help/ombudsman/").content.decode()
    assert "0300 061 0614" in ombudsman and "0300 111 3000" in ombudsman


def test_new_services_are_offered_with_their_service_levels(catalogue):
    assert catalogue["foi-request"].sla_working_days == 20
    assert catalogue["complaint"].sla_working_days == 10
    assert catalogue["homelessness"].team.slug == "housing-options"
    assert catalogue["duty-to-refer"].lgsl_id == 112


def test_without_the_model_search_still_finds_services_by_their_words(
    client, catalogue, monkeypatch
):
    def missing():
        raise FileNotFoundError("model.safetensors")

    monkeypatch.setattr(finder.nlu, "load", missing)
    assert _results(_search(client, "potholes"))[0] == "/services/report-pothole/"
    assert _results(_search(client, "grafitti"))[0] == "/services/report-graffiti/"
