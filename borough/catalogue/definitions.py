"""Form definitions: a service's questions, their types, checks and routing, parsed and checked
(see docs/how-to/service-definitions.md). Workflows are in ``workflows.py`` and the whole
catalogue file in ``catalogue_file.py``.

Pure Python, no database: the same code checks the YAML file, the JSON stored on each
``Service`` and anything an API client sends. Problems are collected with their path
(``services[3].questions[2].options``) so an author can fix them all in one go.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .error_words import select_error

QUESTION_TYPES = (
    "address",
    "date",
    "email",
    "name",
    "number",
    "phone",
    "selection",
    "text",
    "file",
    "location",
)
FILE_TYPES = ("image/jpeg", "image/png", "application/pdf")
CHECK_ANSWERS = "check_answers"
IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
QUESTION_KEYS = {
    "collection_of",
    "id",
    "type",
    "label",
    "hint",
    "required",
    "personal_data",
    "error_required",
    "routes",
    "case_location",
    "options",
    "multiple",
    "allow",
    "max_days_past",
    "max_days_ahead",
    "min",
    "max",
    "integer",
    "unit",
    "multiline",
    "max_length",
    "min_length",
    "accept",
    "max_size_mb",
}
DEFAULT_REQUIRED_ERRORS = {
    "address": _("Select an address"),
    "location": _("Select where the problem is"),
    "date": _("Enter a date"),
    "email": _("Enter an email address"),
    "name": _("Enter a name"),
    "number": _("Enter a number"),
    "phone": _("Enter a phone number"),
    "selection": _("Select an option"),
    "text": _("Enter an answer"),
    "file": _("Select a file"),
}


class DefinitionError(ValueError):
    """A service definition is not valid. ``problems`` lists every problem found."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    hint: str = ""


@dataclass(frozen=True)
class Route:
    when: dict[str, Any]
    goto: str | None = None
    exit_title: str = ""
    exit_body: str = ""

    def matches(self, value: Any) -> bool:
        if "equals" in self.when:
            return value == self.when["equals"]
        if "in" in self.when:
            return value in self.when["in"]
        if "includes" in self.when:
            return isinstance(value, list) and self.when["includes"] in value
        return False

    @property
    def is_exit(self) -> bool:
        return self.goto is None


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    label: str
    hint: str = ""
    required: bool = True
    personal_data: bool = False
    case_location: bool = False
    options: tuple[Option, ...] = ()
    multiple: bool = False
    allow: str = "any"
    max_days_past: int | None = None
    max_days_ahead: int | None = None
    min: float | None = None
    max: float | None = None
    integer: bool = True
    unit: str = ""
    multiline: bool = False
    max_length: int = 500
    min_length: int = 0
    accept: tuple[str, ...] = FILE_TYPES
    max_size_mb: int = 10
    error_required: str = ""
    routes: tuple[Route, ...] = ()
    # A date question about a bin collection: (address question id, bin question id). The date
    # must be one the address had that bin collected (``catalogue.collection_days``).
    collection_of: tuple[str, ...] = ()

    @property
    def required_error(self) -> str:
        if self.error_required:
            return self.error_required
        if self.type == "selection" and (get_language() or "en").startswith("en"):
            named = select_error(self.label, options=[option.value for option in self.options])
            if named:
                return named
        if self.type == "selection" and self.multiple:
            return str(_("Select at least one option"))
        return str(DEFAULT_REQUIRED_ERRORS[self.type])

    def option_label(self, value: str) -> str:
        for option in self.options:
            if option.value == value:
                return option.label
        return value


@dataclass(frozen=True)
class ServiceForm:
    """The questions of one service, in order, with their routing."""

    questions: tuple[Question, ...]
    by_id: dict[str, Question] = field(default_factory=dict, compare=False)

    def __post_init__(self):
        self.by_id.update({question.id: question for question in self.questions})

    @property
    def first(self) -> Question:
        return self.questions[0]

    @property
    def location_question(self) -> Question | None:
        return next((q for q in self.questions if q.case_location), None)

    def index(self, question_id: str) -> int:
        return next(i for i, q in enumerate(self.questions) if q.id == question_id)


def text_value(problems, path, data, key, *, required=True, default=""):
    """``data[key]`` as stripped text, or ``default`` with a problem noted at ``path``."""
    value = data.get(key, default)
    if value is None:
        value = default
    if not isinstance(value, str) or (required and not value.strip()):
        problems.append(f"{path}.{key}: {'is required' if required else 'must be text'}")
        return default
    return value.strip()


def parse_question(data: Any, path: str, problems: list[str]) -> Question | None:
    if not isinstance(data, dict):
        problems.append(f"{path}: must be a mapping")
        return None
    unknown = sorted(set(data) - QUESTION_KEYS, key=str)
    if unknown:
        problems.append(f"{path}: unknown keys {', '.join(map(str, unknown))}")
    qid = data.get("id")
    if not isinstance(qid, str) or not IDENTIFIER.match(qid) or qid == CHECK_ANSWERS:
        problems.append(f"{path}.id: must be snake_case (got {qid!r})")
        qid = "invalid"
    qtype = data.get("type")
    if qtype not in QUESTION_TYPES:
        problems.append(f"{path}.type: must be one of {', '.join(QUESTION_TYPES)} (got {qtype!r})")
        return None
    kwargs: dict[str, Any] = {
        "id": qid,
        "type": qtype,
        "label": text_value(problems, path, data, "label"),
        "hint": text_value(problems, path, data, "hint", required=False),
        "required": bool(data.get("required", True)),
        "personal_data": bool(data.get("personal_data", qtype in {"name", "email", "phone"})),
        "error_required": text_value(problems, path, data, "error_required", required=False),
    }
    if qtype in {"address", "location"}:
        kwargs["case_location"] = bool(data.get("case_location", False))
    if qtype == "selection":
        options = []
        for n, raw in enumerate(data.get("options") or []):
            opath = f"{path}.options[{n}]"
            if (
                not isinstance(raw, dict)
                or not isinstance(raw.get("value"), str)
                or not IDENTIFIER.match(raw["value"])
            ):
                problems.append(f"{opath}.value: must be a lower_snake_case string")
                continue
            options.append(
                Option(
                    value=raw["value"],
                    label=text_value(problems, opath, raw, "label"),
                    hint=text_value(problems, opath, raw, "hint", required=False),
                )
            )
        if len(options) < 2:
            problems.append(f"{path}.options: a selection needs at least two options")
        if len({o.value for o in options}) != len(options):
            problems.append(f"{path}.options: option values must be unique")
        kwargs["options"] = tuple(options)
        kwargs["multiple"] = bool(data.get("multiple", False))
    if qtype == "date":
        allow = data.get("allow", "any")
        if allow not in {"past", "future", "any"}:
            problems.append(f"{path}.allow: must be past, future or any")
            allow = "any"
        kwargs["allow"] = allow
        for key in ("max_days_past", "max_days_ahead"):
            if data.get(key) is not None:
                if not isinstance(data[key], int) or data[key] < 0:
                    problems.append(f"{path}.{key}: must be a whole number of days")
                else:
                    kwargs[key] = data[key]
        collection_of = data.get("collection_of")
        if collection_of is not None:
            if (
                not isinstance(collection_of, dict)
                or set(collection_of) != {"address", "bin"}
                or not all(isinstance(v, str) for v in collection_of.values())
            ):
                problems.append(f"{path}.collection_of: must name an address and a bin question")
            else:
                kwargs["collection_of"] = (collection_of["address"], collection_of["bin"])
    if qtype == "number":
        for key in ("min", "max"):
            if data.get(key) is not None:
                if not isinstance(data[key], int | float):
                    problems.append(f"{path}.{key}: must be a number")
                else:
                    kwargs[key] = data[key]
        if (
            kwargs.get("min") is not None
            and kwargs.get("max") is not None
            and kwargs["min"] >= kwargs["max"]
        ):
            problems.append(f"{path}: min must be less than max")
        kwargs["integer"] = bool(data.get("integer", True))
        kwargs["unit"] = text_value(problems, path, data, "unit", required=False)
    if qtype == "text":
        kwargs["multiline"] = bool(data.get("multiline", False))
        default_max = 1200 if kwargs["multiline"] else 500
        max_length = data.get("max_length", default_max)
        min_length = data.get("min_length", 0)
        if not isinstance(max_length, int) or max_length <= 0:
            problems.append(f"{path}.max_length: must be a positive whole number")
            max_length = default_max
        if not isinstance(min_length, int) or min_length < 0 or min_length > max_length:
            problems.append(f"{path}.min_length: must be between 0 and max_length")
            min_length = 0
        kwargs["max_length"], kwargs["min_length"] = max_length, min_length
    if qtype == "file":
        accept = data.get("accept", list(FILE_TYPES))
        if not isinstance(accept, list) or not accept or any(a not in FILE_TYPES for a in accept):
            problems.append(f"{path}.accept: must list types from {', '.join(FILE_TYPES)}")
            accept = list(FILE_TYPES)
        kwargs["accept"] = tuple(accept)
        size = data.get("max_size_mb", 10)
        if not isinstance(size, int) or not 1 <= size <= 20:
            problems.append(f"{path}.max_size_mb: must be between 1 and 20")
            size = 10
        kwargs["max_size_mb"] = size
    routes = []
    for n, raw in enumerate(data.get("routes") or []):
        rpath = f"{path}.routes[{n}]"
        when = raw.get("when") if isinstance(raw, dict) else None
        if (
            not isinstance(when, dict)
            or len(when) != 1
            or next(iter(when)) not in {"equals", "in", "includes"}
        ):
            problems.append(f"{rpath}.when: must be one of equals, in or includes")
            continue
        if "goto" in raw:
            routes.append(Route(when=when, goto=raw["goto"]))
        elif isinstance(raw.get("exit"), dict):
            routes.append(
                Route(
                    when=when,
                    exit_title=text_value(problems, rpath, raw["exit"], "title"),
                    exit_body=text_value(problems, rpath, raw["exit"], "body"),
                )
            )
        else:
            problems.append(f"{rpath}: needs goto or exit")
    kwargs["routes"] = tuple(routes)
    return Question(**kwargs)


TRANSLATABLE_QUESTION_KEYS = ("label", "hint", "error_required", "unit")


def translate_questions(questions: list[dict], translated: dict) -> list[dict]:
    """A copy of a form definition's ``questions`` with their words replaced by a translation.

    ``translated`` maps question ids to ``label``, ``hint``, ``error_required``, ``unit``,
    ``options`` (option value to label, or to ``{label, hint}``) and ``exits`` (the question's
    exit routes in order, each ``{title, body}``). Anything not translated stays in English;
    ids, values and routing are never changed, so answers mean the same in every language.
    """
    result = []
    for question in questions:
        words = translated.get(question.get("id")) if isinstance(question, dict) else None
        if not words:
            result.append(question)
            continue
        question = dict(question)
        for key in TRANSLATABLE_QUESTION_KEYS:
            if words.get(key):
                question[key] = words[key]
        options = words.get("options") or {}
        if options and isinstance(question.get("options"), list):
            question["options"] = [
                _translated_option(option, options) for option in question["options"]
            ]
        exits = list(words.get("exits") or [])
        if exits and isinstance(question.get("routes"), list):
            routes = []
            for route in question["routes"]:
                if isinstance(route, dict) and isinstance(route.get("exit"), dict) and exits:
                    exit_words = exits.pop(0) or {}
                    route = {**route, "exit": {**route["exit"], **exit_words}}
                routes.append(route)
            question["routes"] = routes
        result.append(question)
    return result


def _translated_option(option: Any, options: dict) -> Any:
    if not isinstance(option, dict) or str(option.get("value")) not in options:
        return option
    words = options[str(option.get("value"))]
    if isinstance(words, str):
        return {**option, "label": words}
    return {**option, **{k: v for k, v in words.items() if k in ("label", "hint") and v}}


def parse_form(questions: Any, path: str = "questions") -> ServiceForm:
    """Parse and check a list of questions. Raises ``DefinitionError`` listing every problem."""
    problems: list[str] = []
    form = read_form(questions, path, problems)
    if problems:
        raise DefinitionError(problems)
    return form


def read_form(questions: Any, path: str, problems: list[str]) -> ServiceForm:
    """Parse a list of questions, adding every problem to ``problems`` instead of raising."""
    if not isinstance(questions, list) or not questions:
        problems.append(f"{path}: a service needs at least one question")
        return ServiceForm(questions=())
    parsed = []
    for n, raw in enumerate(questions):
        question = parse_question(raw, f"{path}[{n}]", problems)
        if question:
            parsed.append(question)
    ids = [q.id for q in parsed]
    if len(set(ids)) != len(ids):
        problems.append(f"{path}: question ids must be unique")
    if sum(1 for q in parsed if q.case_location) > 1:
        problems.append(f"{path}: only one question can be the case location")
    for n, question in enumerate(parsed):
        later = set(ids[n + 1 :]) | {CHECK_ANSWERS}
        for r, route in enumerate(question.routes):
            if route.goto is not None and route.goto not in later:
                problems.append(
                    f"{path}[{n}].routes[{r}].goto: {route.goto!r} is not a later question "
                    "or check_answers"
                )
            if question.type == "selection":
                values = {o.value for o in question.options}
                wanted = route.when.get(
                    "in", [route.when.get("equals", route.when.get("includes"))]
                )
                if not set(wanted) <= values:
                    problems.append(
                        f"{path}[{n}].routes[{r}].when: names an option that does not exist"
                    )
    return ServiceForm(questions=tuple(parsed))
