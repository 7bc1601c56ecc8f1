"""Answers to a service's questions: clean, check, route and display them.

One implementation for every channel: the portal's question pages, the hub's assisted-digital
form, API and Open311 submissions, and the assistant all call these functions. Error messages
follow the GOV.UK Design System's wording so residents see the same words everywhere.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from borough.core.text import control_character_problem

from .answer_shapes import shape_problem
from .collection_days import collection_day_error
from .definitions import CHECK_ANSWERS, Question, Route, ServiceForm
from .uploads import upload_available

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE_CHARS = re.compile(r"^[0-9+()\-\s]+$")
# Beyond this a number is not an answer (and would not survive JSON or float conversion).
_LARGEST_NUMBER = Decimal(10) ** 15
_NAME = re.compile(r"^[^\d<>{}\[\]@#$%^*=_|\\~]+$")


class AnswerError(ValueError):
    """An answer the resident must change. ``str(error)`` is the message to show them."""


class MalformedAnswer(AnswerError):
    """An answer of the wrong kind of value altogether (an object where text was asked for):
    only a client program sends one. The APIs answer it as a bad request (400)."""


class PlaceLookup(Protocol):
    """What the form engine needs from the gazetteer (``borough.places.selectors.Gazetteer``)."""

    def property_exists(self, uprn: int) -> bool: ...

    def street_exists(self, usrn: int) -> bool: ...

    def describe_property(self, uprn: int) -> str: ...

    def describe_street(self, usrn: int) -> str: ...


def today() -> dt.date:
    return timezone.localdate()


def is_blank(raw: Any) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        return not raw.strip()
    if isinstance(raw, list | tuple):
        return not any(not is_blank(item) for item in raw)
    if isinstance(raw, dict):
        return all(is_blank(value) for value in raw.values())
    return False


_MISSING_DATE_PART = {
    "day": lambda: _("The date must include a day"),
    "month": lambda: _("The date must include a month"),
    "year": lambda: _("The date must include a year"),
}


def _clean_date(question: Question, raw: Any, on: dt.date | None) -> str:
    if isinstance(raw, str):
        try:
            value = dt.date.fromisoformat(raw.strip())
        except ValueError:
            raise AnswerError(_("Enter a real date")) from None
    elif isinstance(raw, dict):
        parts = {key: str(raw.get(key, "")).strip() for key in ("day", "month", "year")}
        missing = [key for key, part in parts.items() if not part]
        if missing:
            raise AnswerError(_MISSING_DATE_PART[missing[0]]())
        if not all(part.isdigit() for part in parts.values()):
            raise AnswerError(_("Enter a real date"))
        if len(parts["year"]) != 4:
            raise AnswerError(_("Year must include 4 numbers"))
        try:
            value = dt.date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
        except ValueError:
            raise AnswerError(_("Enter a real date")) from None
    else:
        raise AnswerError(_("Enter a real date"))
    now = on or today()
    if question.allow == "past" and value > now:
        raise AnswerError(_("The date must be today or in the past"))
    if question.allow == "future" and value < now:
        raise AnswerError(_("The date must be today or in the future"))
    if question.max_days_past is not None and value < now - dt.timedelta(
        days=question.max_days_past
    ):
        days = question.max_days_past
        raise AnswerError(
            ngettext(
                "The date must be within the last %(days)d day",
                "The date must be within the last %(days)d days",
                days,
            )
            % {"days": days}
        )
    if question.max_days_ahead is not None and value > now + dt.timedelta(
        days=question.max_days_ahead
    ):
        days = question.max_days_ahead
        raise AnswerError(
            ngettext(
                "The date must be within the next %(days)d day",
                "The date must be within the next %(days)d days",
                days,
            )
            % {"days": days}
        )
    return value.isoformat()


def _without_unit(question: Question, text: str) -> str:
    """The number without the question's unit typed after it: "5cm", "5 cm", "3 months"."""
    unit = question.unit.strip().lower()
    if not unit:
        return text
    if unit == "pounds" and text.startswith("£"):
        text = text[1:].strip()  # "£20.50", as amounts of money are written
    match = re.fullmatch(r"(.*?\d)\s*([^\d\s].*?)\.?", text.lower())
    if match is None:
        return text
    typed = match.group(2).strip()
    units = {unit, unit.rstrip("s"), f"{unit}s", *_UNIT_WORDS.get(unit, ())}
    return match.group(1) if typed in units else text


# The words residents type for the catalogue's units.
_UNIT_WORDS = {
    "cm": ("cms", "centimetre", "centimetres", "centimeter", "centimeters"),
    "m": ("metre", "metres", "meter", "meters"),
    "months": ("month", "mths", "mth"),
    "items": ("item", "things"),
    "pounds": ("pound", "£", "gbp"),
}


def _number_error(question: Question) -> str:
    if question.unit:
        return _("Enter a number of %(unit)s, like 5") % {"unit": question.unit}
    return _("Enter a number, like 5")


def _clean_number(question: Question, raw: Any) -> int | float:
    text = _without_unit(question, str(raw).strip().replace(",", ""))
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise AnswerError(_number_error(question)) from None
    if not number.is_finite() or abs(number) >= _LARGEST_NUMBER:
        raise AnswerError(_number_error(question))
    if question.integer and number != number.to_integral_value():
        raise AnswerError(_("Enter a whole number"))
    value: int | float = int(number) if question.integer else float(number)
    low, high = question.min, question.max
    if low is not None and high is not None and not low <= value <= high:
        raise AnswerError(
            _("Enter a number between %(low)s and %(high)s")
            % {"low": f"{low:g}", "high": f"{high:g}"}
        )
    if low is not None and value < low:
        raise AnswerError(_("Enter a number that is %(low)s or more") % {"low": f"{low:g}"})
    if high is not None and value > high:
        raise AnswerError(_("Enter a number that is %(high)s or less") % {"high": f"{high:g}"})
    return value


def _clean_phone(raw: Any) -> str:
    text = str(raw).strip()
    digits = re.sub(r"\D", "", text)
    if not _PHONE_CHARS.match(text) or not 10 <= len(digits) <= 15:
        raise AnswerError(
            _("Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192")
        )
    return text


def _clean_selection(question: Question, raw: Any) -> str | list[str]:
    values = {option.value for option in question.options}
    if question.multiple:
        chosen = [raw] if isinstance(raw, str) else list(raw or [])
        chosen = [item for item in chosen if item]
        if any(item not in values for item in chosen):
            raise AnswerError(_("Select one of the options shown"))
        return [option.value for option in question.options if option.value in chosen]
    if isinstance(raw, list):
        raw = raw[0] if len(raw) == 1 else None
    if raw not in values:
        raise AnswerError(_("Select one of the options shown"))
    return raw


def _clean_id(raw: Any, label: str) -> int:
    try:
        return int(str(raw).strip())
    except ValueError:
        raise AnswerError(_("%(label)s must be a number") % {"label": label}) from None


# Where a pin may be dropped: Great Britain and Northern Ireland, as the gazetteer importer checks.
PIN_LATITUDES = (49.8, 60.9)
PIN_LONGITUDES = (-8.7, 1.8)


def _clean_pin(raw: dict) -> dict | None:
    """The point a map pin gave (``latitude``, ``longitude``, six decimal places), or None when
    no pin was dropped. A pin outside the UK or not a number is refused."""
    lat, lon = raw.get("latitude"), raw.get("longitude")
    if is_blank(lat) and is_blank(lon):
        return None
    try:
        latitude, longitude = round(float(str(lat)), 6), round(float(str(lon)), 6)
    except ValueError:
        raise AnswerError(
            _("Drop the pin on the map again, or choose a street from the list")
        ) from None
    inside = (
        PIN_LATITUDES[0] <= latitude <= PIN_LATITUDES[1]
        and PIN_LONGITUDES[0] <= longitude <= PIN_LONGITUDES[1]
    )
    if not inside:
        raise AnswerError(_("Drop the pin on the map again, or choose a street from the list"))
    return {"latitude": latitude, "longitude": longitude}


def _clean_location(question: Question, raw: Any, places: PlaceLookup) -> dict:
    if not isinstance(raw, dict):
        raw = {"uprn": raw}
    description = str(raw.get("description") or "").strip()
    if len(description) > 500:
        raise AnswerError(_("Description of the location must be 500 characters or less"))
    if not is_blank(raw.get("uprn")):
        uprn = _clean_id(raw["uprn"], "UPRN")
        if not places.property_exists(uprn):
            raise AnswerError(_("Select an address from the list"))
        return {"uprn": uprn, "description": description}
    if not is_blank(raw.get("usrn")):
        usrn = _clean_id(raw["usrn"], "USRN")
        if not places.street_exists(usrn):
            raise AnswerError(_("Select a street from the list"))
        pin = _clean_pin(raw)
        if pin is not None:
            # A pin on the map says exactly where: the description is optional.
            return {"usrn": usrn, "description": description, **pin}
        if not description:
            raise AnswerError(_("Describe exactly where the problem is on the street"))
        return {"usrn": usrn, "description": description}
    raise AnswerError(question.required_error)


def clean_answer(
    question: Question, raw: Any, *, places: PlaceLookup, on: dt.date | None = None
) -> Any:
    """The stored form of one answer. Raises ``AnswerError`` with the message to show
    (``MalformedAnswer`` for a value of the wrong kind altogether).

    Returns ``None`` for an optional question left blank. Dates are checked against ``on``, the
    day the answer was given (today unless said otherwise).
    """
    problem = shape_problem(question, raw)
    if problem is not None:
        raise MalformedAnswer(problem)
    if question.type != "file" and control_character_problem(raw) is not None:
        raise AnswerError(
            _(
                "Answer must not contain control characters (invisible characters such as NUL "
                "or ESC): remove them, or type the answer again"
            )
        )
    if is_blank(raw):
        if question.required:
            raise AnswerError(question.required_error)
        return None
    kind = question.type
    if kind == "address":
        uprn = _clean_id(raw["uprn"] if isinstance(raw, dict) else raw, "UPRN")
        if not places.property_exists(uprn):
            raise AnswerError(_("Select an address from the list"))
        return uprn
    if kind == "location":
        return _clean_location(question, raw, places)
    if kind == "date":
        return _clean_date(question, raw, on)
    if kind == "number":
        return _clean_number(question, raw)
    if kind == "selection":
        return _clean_selection(question, raw)
    if kind == "file":
        # Only an upload Borough checked and issued an id for; its name and type are the ones
        # Borough stored, whatever the answer says (issue 16).
        upload = upload_available(raw)
        if upload is None:
            raise AnswerError(
                _("Select a file: the file given is unknown, already used or no longer kept")
            )
        if upload.content_type not in question.accept:
            raise AnswerError(_("The selected file is not a type this question accepts"))
        if upload.size > question.max_size_mb * 1024 * 1024:
            raise AnswerError(
                _("The selected file must be smaller than %(size)sMB")
                % {"size": question.max_size_mb}
            )
        return upload.as_answer()
    text = str(raw).strip()
    if kind == "email":
        if len(text) > 254 or not _EMAIL.match(text):
            raise AnswerError(
                _("Enter an email address in the correct format, like name@example.com")
            )
        return text
    if kind == "phone":
        return _clean_phone(text)
    if kind == "name":
        if len(text) > 100:
            raise AnswerError(_("Name must be 100 characters or less"))
        if not _NAME.match(text):
            raise AnswerError(_("Name must only include letters, spaces, hyphens and apostrophes"))
        return text
    # text
    if len(text) > question.max_length:
        raise AnswerError(
            _("Answer must be %(count)d characters or less") % {"count": question.max_length}
        )
    if len(text) < question.min_length:
        raise AnswerError(
            _("Answer must be %(count)d characters or more") % {"count": question.min_length}
        )
    return text


@dataclass(frozen=True)
class Exit:
    """The resident's answers lead to an exit page: the request cannot be made online."""

    question_id: str
    title: str
    body: str

    @property
    def paragraphs(self) -> list[str]:
        """What to do instead, one paragraph at a time."""
        return [p for p in self.body.split("\n\n") if p.strip()]


def next_step(form: ServiceForm, question: Question, value: Any) -> str | Exit:
    """Where the journey goes after ``question`` is answered with ``value``."""
    route: Route | None = next((r for r in question.routes if r.matches(value)), None)
    if route is not None:
        if route.is_exit:
            return Exit(question.id, route.exit_title, route.exit_body)
        assert route.goto is not None  # not an exit
        return route.goto
    position = form.index(question.id)
    if position + 1 < len(form.questions):
        return form.questions[position + 1].id
    return CHECK_ANSWERS


def journey(form: ServiceForm, answers: dict[str, Any]) -> tuple[list[Question], str | Exit]:
    """The questions a resident with these answers passes through, and where that leads.

    Walks from the first question following routes. The walk stops at the first question
    without an answer (returning its id), at an exit, or at ``check_answers``.
    """
    path: list[Question] = []
    current = form.first.id
    while current != CHECK_ANSWERS:
        question = form.by_id[current]
        path.append(question)
        if question.id not in answers:
            return path, question.id
        step = next_step(form, question, answers[question.id])
        if isinstance(step, Exit):
            return path, step
        current = step
    return path, CHECK_ANSWERS


def validate_answers(
    form: ServiceForm,
    raw_answers: dict[str, Any],
    *,
    places: PlaceLookup,
    on: dt.date | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Clean every answer on the resident's route through the form.

    Returns ``(answers, errors)``: answers keyed by question id (answers to questions the route
    skips are dropped; blank optional answers are kept as ``None``), and errors keyed by question
    id. A route that ends at an exit page is an error on the question that led there.
    """
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    current = form.first.id
    while current != CHECK_ANSWERS:
        question = form.by_id[current]
        try:
            value = clean_answer(question, raw_answers.get(question.id), places=places, on=on)
        except AnswerError as error:
            errors[question.id] = str(error)
            break
        not_collected = collection_day_error(question, cleaned, value)
        if not_collected:
            errors[question.id] = not_collected
            break
        cleaned[question.id] = value
        step = next_step(form, question, value)
        if isinstance(step, Exit):
            errors[question.id] = _("%(reason)s. This request cannot be made online.") % {
                "reason": step.title
            }
            break
        current = step
    unknown = set(raw_answers) - set(form.by_id)
    for key in sorted(unknown):
        errors[key] = _("This question is not part of the service")
    return cleaned, errors


def display_answer(question: Question, value: Any, *, places: PlaceLookup) -> str:
    """An answer as the resident would read it on a check-answers page or a case page."""
    if value is None or value == [] or value == "":
        return _("Not answered")
    kind = question.type
    if kind == "address":
        return places.describe_property(value)
    if kind == "location":
        place = (
            places.describe_property(value["uprn"])
            if value.get("uprn")
            else places.describe_street(value["usrn"])
        )
        return f"{place} – {value['description']}" if value.get("description") else place
    if kind == "date":
        return date_format(dt.date.fromisoformat(value), "j E Y")
    if kind == "selection":
        values = value if isinstance(value, list) else [value]
        return ", ".join(question.option_label(item) for item in values)
    if kind == "number" and question.unit == "pounds":
        return f"£{value:,.2f}"  # as money is written: £2,000.00
    if kind == "number":
        return (
            f"{value:g} {question.unit}".strip()
            if isinstance(value, float)
            else f"{value} {question.unit}".strip()
        )
    if kind == "file":
        return value["name"]
    return str(value)
