"""Response template placeholders: checked when saved, filled in from the case."""

import pytest

from borough.cases.responses import PLACEHOLDERS, fill, placeholder_problems
from borough.people.models import Resident


@pytest.mark.parametrize(
    "body",
    [
        "Hello {resident_first_name}, your reference is {reference}.",
        "Plain text with no placeholders",
        "Curly brackets on their own are written {{like this}}",
        " ".join("{" + name + "}" for name in PLACEHOLDERS),
    ],
)
def test_known_placeholders_are_accepted(body):
    assert placeholder_problems(body) == []


@pytest.mark.parametrize(
    "body, problem",
    [
        ("Hello {first_name}", "{first_name} is not a placeholder you can use. You can use: "),
        ("Due {due_date:%d}", "{due_date} is not a placeholder you can use"),
        ("Ref {reference!r}", "{reference} is not a placeholder you can use"),
        ("Ref {reference.upper}", "{reference.upper} is not a placeholder you can use"),
        ("Empty {}", "Put the name of a placeholder inside the curly brackets"),
        ("Not closed {reference", "A placeholder is not closed"),
        ("Stray } bracket", "A placeholder is not closed"),
    ],
)
def test_unknown_or_malformed_placeholders_are_refused_with_a_reason(body, problem):
    problems = placeholder_problems(body)
    assert problems and problems[0].startswith(problem)


@pytest.mark.django_db
def test_placeholders_are_filled_with_the_case_values(make_case):
    case = make_case()
    text = fill(
        "Hello {resident_first_name}. {service} at {address}, ref {reference}, "
        "by {due_date} ({team}, {status}). {{not a placeholder}}",
        case,
    )
    assert text == (
        f"Hello there. Report a missed bin collection at 1 Acacia Avenue, Uxbridge, UB8 1QA, "
        f"ref {case.reference}, by {case.due_date.day} {case.due_date:%B %Y} "
        f"(Waste and recycling, received). {{not a placeholder}}"
    )
    case.resident = Resident.objects.create(first_name="Ama", last_name="Owusu")
    assert fill("Hello {resident_first_name}", case) == "Hello Ama"
