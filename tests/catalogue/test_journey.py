"""The one form journey (``catalogue.journey``) that the portal, the hub and the chat all walk:
forwards, back, changing an answer from check answers, exit pages and the postcode step."""

from __future__ import annotations

import pytest

from borough.catalogue.answers import AnswerError, Exit
from borough.catalogue.definitions import CHECK_ANSWERS, parse_form
from borough.catalogue.journey import FormJourney, place_chosen, postcode_check
from tests.catalogue.test_answers import FakePlaces

OPTIONS = [
    {"value": "yes", "label": "Yes"},
    {"value": "no", "label": "No"},
    {"value": "skip", "label": "Skip ahead"},
]
FORM = parse_form(
    [
        {"id": "address", "type": "address", "label": "Where?"},
        {
            "id": "bin_out",
            "type": "selection",
            "label": "Was it out?",
            "options": OPTIONS,
            "routes": [
                {
                    "when": {"equals": "no"},
                    "exit": {"title": "Put it out", "body": "Next time.\n\nBy 6am."},
                },
                {"when": {"equals": "skip"}, "goto": "details"},
            ],
        },
        {"id": "colour", "type": "text", "label": "Colour?"},
        {"id": "details", "type": "text", "label": "Details?", "required": False},
    ]
)


def walk(answers=None) -> FormJourney:
    return FormJourney(FORM, dict(answers or {}), places=FakePlaces())


def test_a_resident_walks_forwards_one_question_at_a_time_to_check_answers():
    journey = walk()
    assert journey.step == "address" and not journey.ready
    assert [q.id for q in journey.path] == ["address"]
    journey.record(FORM.by_id["address"], "100021500001")
    assert journey.step == "bin_out"
    journey.record(FORM.by_id["bin_out"], "yes")
    journey.record(FORM.by_id["colour"], " blue ")
    assert journey.step == "details" and journey.number("details") == 4
    journey.record(FORM.by_id["details"], "")
    assert journey.step == CHECK_ANSWERS and journey.ready
    # The answers are kept as a case stores them, on the channel's own dictionary.
    assert journey.answers == {
        "address": 100021500001,
        "bin_out": "yes",
        "colour": "blue",
        "details": None,
    }
    rows = [(row.question.id, row.value) for row in journey.rows()]
    assert rows == [
        ("address", "1 Acacia Avenue"),
        ("bin_out", "Yes"),
        ("colour", "blue"),
        ("details", "Not answered"),
    ]
    assert journey.last_question.id == "details"


def test_an_answer_the_engine_refuses_is_not_kept():
    journey = walk({"address": 100021500001})
    with pytest.raises(AnswerError, match="Select one of the options shown"):
        journey.record(FORM.by_id["bin_out"], "maybe")
    assert journey.answers == {"address": 100021500001} and journey.step == "bin_out"


def test_back_goes_to_the_question_before_on_the_way_taken():
    journey = walk({"address": 100021500001, "bin_out": "yes"})
    assert journey.previous("address") is None  # the first question: back to the start page
    assert journey.previous("colour") == "bin_out"
    # A route that skips a question: back from where it leads goes to the question routed from.
    skipped = walk({"address": 100021500001, "bin_out": "skip"})
    assert [q.id for q in skipped.path] == ["address", "bin_out", "details"]
    assert skipped.previous("details") == "bin_out" and skipped.number("details") == 3


def test_a_question_is_not_reached_before_the_questions_leading_to_it():
    journey = walk({"address": 100021500001})
    assert journey.reaches("bin_out")
    assert not journey.reaches("colour")  # skipping ahead by URL or by a typed choice
    assert journey.question("nonsense") is None


def test_changing_an_answer_from_check_answers_follows_the_new_route():
    journey = walk({"address": 100021500001, "bin_out": "yes", "colour": "blue", "details": None})
    assert journey.ready
    # Changed on its own page: the route now skips the colour, so it is no longer read back.
    journey.record(FORM.by_id["bin_out"], "skip")
    assert journey.ready
    assert [row.question.id for row in journey.rows()] == ["address", "bin_out", "details"]
    # Changed in chat: the answer is forgotten and asked again, then the journey goes on.
    journey.forget("bin_out")
    assert journey.step == "bin_out" and not journey.ready
    journey.record(FORM.by_id["bin_out"], "yes")
    assert journey.ready and journey.answers["colour"] == "blue"


def test_an_answer_that_rules_the_request_out_leads_to_its_exit_page():
    journey = walk({"address": 100021500001})
    journey.record(FORM.by_id["bin_out"], "no")
    exit_page = journey.step
    assert isinstance(exit_page, Exit) and exit_page.title == "Put it out"
    assert exit_page.paragraphs == ["Next time.", "By 6am."]
    assert journey.exit_from("bin_out") == exit_page
    assert journey.exit_from("address") is None
    assert not journey.ready
    # Someone coming back is taken to the question whose answer leads there, to change it.
    assert journey.resume_at == "bin_out"
    journey.record(FORM.by_id["bin_out"], "yes")
    assert journey.exit_from("bin_out") is None and journey.step == "colour"


def test_a_place_chosen_from_a_list_is_a_location_answer():
    assert place_chosen("uprn:100021500001") == {"uprn": "100021500001", "usrn": ""}
    assert place_chosen("usrn:20750001") == {"uprn": "", "usrn": "20750001"}
    assert place_chosen("") == {"uprn": "", "usrn": ""}


@pytest.mark.django_db
def test_the_postcode_of_an_address_question_is_kept_only_when_it_has_addresses(gazetteer):
    journey = FormJourney(FORM, {})
    address = FORM.by_id["address"]
    assert journey.record_postcode(address, "") == "Enter a postcode"
    assert journey.record_postcode(address, "not one") == "Enter a real postcode, like UB3 2ZX"
    assert journey.record_postcode(address, "SW1A 1AA").startswith(
        "We cannot find any addresses at SW1A 1AA"
    )
    assert journey.postcodes == {}
    assert journey.record_postcode(address, "ub8 1qa") is None
    assert journey.postcodes == {"address": "UB8 1QA"}
    assert postcode_check("ub81qa") == (None, "UB8 1QA")
    journey.record(address, 100021500001)  # the real gazetteer this time
    journey.forget("address")
    assert journey.answers == {} and journey.postcodes == {}
