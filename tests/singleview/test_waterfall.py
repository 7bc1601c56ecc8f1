"""Issue 18 point 4: why two records were scored as they were, field by field, as a chart
(SVG drawn on the server, no JavaScript) with a table of the same numbers beside it."""

from __future__ import annotations

import re

import pytest

from borough.core.actors import SystemActor
from borough.singleview.models import LinkageImport, ReviewPair
from borough.singleview.services import linkage_import
from borough.singleview.waterfall import signed, waterfall, weight_histogram

from .linkage_files import PERSON_AMA, PERSON_KOFI

WEIGHTED = [
    {"field": "first_name", "left": "ama", "right": "ama", "level": "exact", "weight": 7.24},
    {
        "field": "last_name",
        "left": "owusu",
        "right": "mensah",
        "level": "different",
        "weight": -4.41,
    },
    {"field": "dob", "left": None, "right": "1980-03-27", "level": "null", "weight": 0.0},
    {
        "field": "address",
        "left": "1 high st",
        "right": "1 high st",
        "level": "same address",
        "weight": 10.23,
    },
]
MATCH_WEIGHT = 0.05  # the starting point is what is left: 0.05 - 13.06 = -13.01


def test_the_steps_add_up_to_the_match_weight_from_a_starting_point():
    chart = waterfall(WEIGHTED, MATCH_WEIGHT, 0.508)
    assert [step.label for step in chart.steps] == [
        "Starting point",
        "First name",
        "Last name",
        "Date of birth",
        "Address",
        "Match weight",
    ]
    assert chart.steps[0].weight == pytest.approx(-13.01)
    assert chart.steps[-2].after == pytest.approx(MATCH_WEIGHT)
    assert [step.direction for step in chart.steps] == [
        "start",
        "for",
        "against",
        "none",
        "for",
        "total",
    ]
    assert "For: First name, Address. Against: Last name." in chart.summary
    # Every bar is inside the drawing.
    assert all(step.x >= 190 and step.x + step.width <= 640 for step in chart.steps)
    assert signed(-4.41) == "\u22124.4" and signed(7.24) == "+7.2" and signed(0) == "0.0"


def test_no_chart_for_evidence_without_weights():
    assert waterfall([{"field": "first_name", "level": "exact"}], 3.0, 0.9) is None


@pytest.fixture
def weighted_pair(linkage_file, db):
    linkage_import(actor=SystemActor("tests"), path=linkage_file())
    return ReviewPair.objects.create(
        unique_id_l="council_tax:CT1",
        unique_id_r="waste:W1",
        match_probability=0.508,
        match_weight=MATCH_WEIGHT,
        person_id_l=PERSON_AMA,
        person_id_r=PERSON_KOFI,
        evidence=WEIGHTED,
    )


@pytest.fixture
def officer_client(client, data_officer, staff_login):
    staff_login(client, data_officer)
    return client


@pytest.mark.django_db
def test_the_review_page_draws_the_weights_and_tables_them(officer_client, weighted_pair):
    page = officer_client.get(f"/hub/single-view/review/{weighted_pair.pk}/").content.decode()
    svg = re.search(r"<svg[^>]*>.*?</svg>", page, re.S).group(0)
    assert 'role="img"' in svg
    labelled_by = re.search(r'aria-labelledby="([^"]+)"', svg).group(1).split()
    for element_id in labelled_by:
        assert f'id="{element_id}"' in svg
    assert "Against: Last name." in svg  # its description, for screen readers
    assert svg.count("<rect") == 6
    table = page[page.index('<caption class="govuk-table__caption govuk-table__caption--s">') :]
    for text in ("Starting point", "\u221213.0", "+7.2", "\u22124.4", "+10.2", "+0.1"):
        assert text in table, text


@pytest.mark.django_db
def test_the_person_page_explains_each_pair_waiting_for_review(officer_client, weighted_pair):
    page = officer_client.get(f"/hub/single-view/people/{PERSON_AMA}/").content.decode()
    assert '<details class="govuk-details">' in page
    assert "Why Council tax CT1 and Waste W1 scored 0.51" in page
    assert 'aria-labelledby="weights-' in page and "Starting point" in page


def test_the_histogram_marks_the_threshold_and_colours_the_linked_pairs():
    chart = weight_histogram([[0.0, 40], [1.0, 10], [5.0, 3], [12.0, 300]], 0.9)
    assert chart.threshold_weight == pytest.approx(3.17, abs=0.01)
    assert [bar.linked for bar in chart.bars] == [False, False, True, True]
    assert "353 pairs scored" in chart.summary and "about 303 pairs" in chart.summary
    assert chart.bars[-1].height > chart.bars[0].height
    assert weight_histogram([], 0.9) is None


@pytest.mark.django_db
def test_the_run_report_shows_the_histogram_of_the_imported_run(officer_client, linkage_file):
    linkage_import(actor=SystemActor("tests"), path=linkage_file())
    latest = LinkageImport.objects.get()
    latest.weight_histogram, latest.threshold = [[0.0, 40], [12.0, 300]], 0.9
    latest.save()
    page = officer_client.get("/hub/single-view/data-quality/").content.decode()
    assert 'aria-labelledby="histogram-title histogram-desc"' in page
    assert "threshold 0.900" in page and "<details" in page
    assert "+12.0 to +13.0" in page
