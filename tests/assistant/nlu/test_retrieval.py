"""Retrieval answers from the council's own pages, quoting them, and says nothing otherwise."""

from __future__ import annotations

import pytest

from borough.assistant import nlu
from borough.assistant.nlu import content
from borough.assistant.nlu.retrieval import pages


@pytest.mark.parametrize(
    ("question", "url"),
    [
        ("how much is council tax for band D", "/help/council-tax-bands/"),
        ("what time does the library open on sunday", "/help/libraries/"),
        ("can I put pizza boxes in the recycling", "/help/recycling/"),
        ("is the tip open on boxing day", "/help/recycling-centre/"),
        ("who do I ring in an emergency at night", "/help/out-of-hours/"),
        ("how long do I have to report a missed bin", "/services/report-missed-bin/"),
        (
            "how much does a resident parking permit cost",
            "/services/apply-for-resident-parking-permit/",
        ),
    ],
)
def test_a_question_finds_the_page_that_answers_it(brain, question, url):
    found = nlu.retrieve(question)
    assert found and found[0].url == url
    page = next(p for p in pages() if p.url == url)
    assert found[0].text in page.paragraphs  # the content's own words, never generated
    assert 0 < found[0].score <= 1


@pytest.mark.parametrize(
    "nonsense", ["purple elephants dance on the moon", "qwertyuiop asdf", "", "   ", "!!!"]
)
def test_nothing_fits_gives_nothing(brain, nonsense):
    assert nlu.retrieve(nonsense) == []


def test_limit_and_order(brain):
    found = nlu.retrieve("council tax", limit=2)
    assert 1 <= len(found) <= 2
    assert [p.score for p in found] == sorted((p.score for p in found), reverse=True)
    assert nlu.retrieve("council tax", limit=0) == []


def test_every_faq_is_a_page_with_a_url():
    urls = {p.url for p in pages()}
    assert {f"/help/{f.key}/" for f in content.faqs()} <= urls
