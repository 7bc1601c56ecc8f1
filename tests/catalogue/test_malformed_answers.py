"""Issue 16 (holes 4 and 5): the form engine refuses answers of the wrong kind of value and
answers holding control characters, for every channel, with a message (never an exception
that becomes a 500)."""

import pytest

from borough.catalogue.answer_shapes import answer_shape_problems
from borough.catalogue.answers import AnswerError, MalformedAnswer, clean_answer
from borough.catalogue.definitions import parse_form

from .test_answers import PLACES, error, q

OPTIONS = [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}]


@pytest.mark.parametrize(
    ("question", "raw"),
    [
        (q(type="selection", options=OPTIONS), {"value": "yes"}),
        (q(type="selection", options=OPTIONS), [["yes"]]),
        (q(type="selection", options=OPTIONS), 1),
        (q(type="selection", options=OPTIONS, multiple=True), [{"yes": 1}]),
        (q(type="selection", options=OPTIONS, multiple=True), {"yes": True}),
        (q(type="text"), ["text"]),
        (q(type="text"), 42),
        (q(type="name"), {"first": "Ann"}),
        (q(type="number"), True),
        (q(type="number"), [3]),
        (q(type="date"), ["2026-11-05"]),
        (q(type="address"), {"postcode": "AB1 2CD"}),
        (q(type="address"), {"uprn": {"nested": 1}}),
        (q(type="location"), {"usrn": [1], "description": "x"}),
    ],
)
def test_a_value_of_the_wrong_kind_is_a_malformed_answer(question, raw):
    with pytest.raises(MalformedAnswer) as caught:
        clean_answer(question, raw, places=PLACES)
    assert str(caught.value).startswith("Answer must")


def test_numbers_too_large_to_store_are_refused():
    assert error(q(type="number"), "1e999999") == "Enter a number, like 5"
    assert error(q(type="number"), 10**20) == "Enter a number, like 5"


@pytest.mark.parametrize("bad", ["\x00", "\x0b\x1b", "a\x7fb", "\x1f"])
def test_control_characters_are_refused_in_any_answer(bad):
    message = "control characters"
    assert message in error(q(type="text"), f"Details {bad}")
    assert message in error(q(type="selection", options=OPTIONS), f"yes{bad}")
    location = {"usrn": 1, "description": f"By the gate{bad}"}
    assert message in error(q(type="location"), location)


def test_tabs_and_new_lines_are_kept():
    assert clean_answer(q(type="text"), "One\tTwo\r\nThree", places=PLACES) == "One\tTwo\r\nThree"


def test_shape_problems_are_listed_for_every_answer_given():
    form = parse_form(
        [
            {"id": "choice", "type": "selection", "label": "Choose", "options": OPTIONS},
            {"id": "details", "type": "text", "label": "Details"},
        ]
    )
    problems = answer_shape_problems(
        form, {"choice": {"value": "yes"}, "details": "ok\x00", "unknown": {"x": 1}}
    )
    assert set(problems) == {"choice", "details"}
    assert isinstance(AnswerError(problems["choice"]), ValueError)
