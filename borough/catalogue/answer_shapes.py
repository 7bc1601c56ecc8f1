"""Whether an answer is even the kind of value its question takes (issue 16, hole 5).

A list where text is asked for, an object for an option, a nested structure for a date: such an
answer is malformed, and the APIs refuse it with a 400 before any of it is read, where a
well-formed but wrong answer (a date in the past, an unknown option) is the question's own
error (``answers.clean_answer``).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from borough.core.text import control_character_problem

from .definitions import Question, ServiceForm

__all__ = ["answer_shape_problems", "shape_problem"]


def _scalar(value: Any, *, numbers: bool = True) -> bool:
    if isinstance(value, str):
        return True
    return numbers and isinstance(value, int | float) and not isinstance(value, bool)


def _place_part(value: Any) -> bool:
    return value is None or _scalar(value)


_SHAPES = {
    "text": (lambda raw: isinstance(raw, str), "must be text"),
    "email": (lambda raw: isinstance(raw, str), "must be text"),
    "phone": (lambda raw: isinstance(raw, str), "must be text"),
    "name": (lambda raw: isinstance(raw, str), "must be text"),
    "number": (lambda raw: _scalar(raw), "must be a number"),
    "date": (
        lambda raw: (
            isinstance(raw, str)
            or isinstance(raw, dict)
            and set(raw) <= {"day", "month", "year"}
            and all(_place_part(v) for v in raw.values())
        ),
        "must be a date as text, like 2026-11-05",
    ),
    "address": (
        lambda raw: (
            _scalar(raw)
            or isinstance(raw, dict)
            and "uprn" in raw
            and all(_place_part(v) for v in raw.values())
        ),
        "must be a UPRN",
    ),
    "location": (
        lambda raw: (
            _scalar(raw)
            or isinstance(raw, dict)
            and set(raw) <= {"uprn", "usrn", "description", "latitude", "longitude"}
            and all(_place_part(raw.get(key)) for key in ("uprn", "usrn", "latitude", "longitude"))
            and isinstance(raw.get("description") or "", str)
        ),
        "must be an object with uprn or usrn, description, and optionally latitude and longitude",
    ),
}


def shape_problem(question: Question, raw: Any) -> str | None:
    """Why ``raw`` is not even the kind of value ``question`` takes (a list where text is
    asked for, an object for an option), or ``None``. Blank answers and uploads pass."""
    if raw is None or question.type == "file":
        return None
    if question.type == "selection":
        items = raw if isinstance(raw, list) else [raw]
        if not all(isinstance(item, str) for item in items):
            many = "a list of option values" if question.multiple else "an option value"
            return _("Answer must be %(what)s, as text") % {"what": many}
        if not question.multiple and isinstance(raw, list) and len(raw) > 1:
            return _("Answer must be one option value")
        return None
    fits, expected = _SHAPES.get(question.type, (lambda raw: True, ""))
    return None if fits(raw) else _("Answer %(expected)s") % {"expected": expected}


def answer_shape_problems(form: ServiceForm, raw_answers: dict[str, Any]) -> dict[str, str]:
    """``shape_problem`` for every answer given to a question of ``form``, by question id."""
    problems = {}
    for key, raw in raw_answers.items():
        question = form.by_id.get(key)
        problem = shape_problem(question, raw) if question is not None else None
        if problem is None and control_character_problem(raw) is not None:
            problem = _("Answer must not contain control characters")
        if problem is not None:
            problems[key] = problem
    return problems
