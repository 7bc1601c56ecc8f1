import datetime as dt

import pytest

from borough.catalogue.answers import AnswerError, Exit, clean_answer, journey, validate_answers
from borough.catalogue.definitions import parse_form


class FakePlaces:
    def property_exists(self, uprn):
        return uprn == 100021500001

    def street_exists(self, usrn):
        return usrn == 20750001

    def describe_property(self, uprn):
        return "1 Acacia Avenue"

    def describe_street(self, usrn):
        return "Acacia Avenue"


PLACES = FakePlaces()


def q(**data):
    data.setdefault("id", "answer")
    data.setdefault("label", "Question?")
    return parse_form([data]).first


def error(question, raw):
    with pytest.raises(AnswerError) as caught:
        clean_answer(question, raw, places=PLACES)
    return str(caught.value)


def test_required_answers_get_the_gov_uk_message_for_their_type():
    assert error(q(type="email"), "") == "Enter an email address"
    assert (
        error(
            q(
                type="selection",
                options=[{"value": "a", "label": "A"}, {"value": "b", "label": "B"}],
            ),
            None,
        )
        == "Select an option"
    )
    assert error(q(type="address"), "  ") == "Select an address"
    assert (
        error(q(type="text", error_required="Tell us what is wrong"), "") == "Tell us what is wrong"
    )


def test_optional_blank_answers_are_none():
    assert clean_answer(q(type="text", required=False), "   ", places=PLACES) is None


def test_dates_are_checked_like_the_gov_uk_date_input():
    past = q(type="date", allow="past", max_days_past=7)
    today = dt.date.today()
    parts = {"day": str(today.day), "month": str(today.month), "year": str(today.year)}
    assert clean_answer(past, parts, places=PLACES) == today.isoformat()
    assert error(past, {"day": "31", "month": "2", "year": "2026"}) == "Enter a real date"
    assert error(past, {"day": "1", "month": "", "year": "2026"}) == "The date must include a month"
    assert error(past, {"day": "1", "month": "1", "year": "26"}) == "Year must include 4 numbers"
    tomorrow = today + dt.timedelta(days=1)
    assert error(past, tomorrow.isoformat()) == "The date must be today or in the past"
    assert (
        error(past, (today - dt.timedelta(days=8)).isoformat())
        == "The date must be within the last 7 days"
    )


def test_numbers_respect_their_range_and_kind():
    bags = q(type="number", min=1, max=10)
    assert clean_answer(bags, " 3 ", places=PLACES) == 3
    assert error(bags, "three") == "Enter a number, like 5"
    assert error(bags, "2.5") == "Enter a whole number"
    assert error(bags, "11") == "Enter a number between 1 and 10"
    assert error(bags, "NaN") == "Enter a number, like 5"


def test_contact_details_are_checked():
    assert (
        error(q(type="email"), "name@")
        == "Enter an email address in the correct format, like name@example.com"
    )
    assert clean_answer(q(type="phone"), "07700 900 982", places=PLACES) == "07700 900 982"
    assert error(q(type="phone"), "123").startswith("Enter a telephone number")
    assert (
        error(q(type="name"), "<script>")
        == "Name must only include letters, spaces, hyphens and apostrophes"
    )
    assert (
        clean_answer(q(type="name"), "Siobhán O'Neill-Kowalska", places=PLACES)
        == "Siobhán O'Neill-Kowalska"
    )


def test_text_length_is_limited():
    assert error(q(type="text", max_length=5), "too long") == "Answer must be 5 characters or less"


def test_selection_answers_must_be_offered_options():
    bins = q(
        type="selection",
        multiple=True,
        options=[{"value": "black", "label": "Black"}, {"value": "blue", "label": "Blue"}],
    )
    assert clean_answer(bins, ["blue", "black"], places=PLACES) == ["black", "blue"]
    assert error(bins, ["green"]) == "Select one of the options shown"


def test_places_must_be_in_the_gazetteer():
    assert clean_answer(q(type="address"), "100021500001", places=PLACES) == 100021500001
    assert error(q(type="address"), "999") == "Select an address from the list"
    where = q(type="location")
    assert clean_answer(
        where, {"usrn": "20750001", "description": "By the post box"}, places=PLACES
    ) == {"usrn": 20750001, "description": "By the post box"}
    assert (
        error(where, {"usrn": "20750001", "description": ""})
        == "Describe exactly where the problem is on the street"
    )


FORM = parse_form(
    [
        {
            "id": "bin_out",
            "type": "selection",
            "label": "Was it out?",
            "options": [
                {"value": "yes", "label": "Yes"},
                {"value": "no", "label": "No"},
                {"value": "skip", "label": "Skip ahead"},
            ],
            "routes": [
                {"when": {"equals": "no"}, "exit": {"title": "Put it out", "body": "Next time."}},
                {"when": {"equals": "skip"}, "goto": "details"},
            ],
        },
        {"id": "colour", "type": "text", "label": "Colour?"},
        {"id": "details", "type": "text", "label": "Details?", "required": False},
    ]
)


def test_journey_follows_routes_and_stops_at_exits():
    path, step = journey(FORM, {"bin_out": "yes"})
    assert [x.id for x in path] == ["bin_out", "colour"] and step == "colour"
    path, step = journey(FORM, {"bin_out": "skip", "details": None})
    assert [x.id for x in path] == ["bin_out", "details"] and step == "check_answers"
    _, step = journey(FORM, {"bin_out": "no"})
    assert step == Exit("bin_out", "Put it out", "Next time.")


def test_validation_drops_answers_the_route_skips_and_refuses_exits():
    answers, errors = validate_answers(FORM, {"bin_out": "skip", "colour": "red"}, places=PLACES)
    assert errors == {} and answers == {"bin_out": "skip", "details": None}
    _, errors = validate_answers(FORM, {"bin_out": "no"}, places=PLACES)
    assert errors == {"bin_out": "Put it out. This request cannot be made online."}
    _, errors = validate_answers(
        FORM, {"bin_out": "yes", "colour": "", "nonsense": 1}, places=PLACES
    )
    assert errors == {
        "colour": "Enter an answer",
        "nonsense": "This question is not part of the service",
    }
