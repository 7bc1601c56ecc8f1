"""Service definitions: parse and check the catalogue file (see docs/how-to/service-definitions.md).

Pure Python, no database: the same code checks the YAML file, the JSON stored on each
``Service`` and anything an API client sends. Problems are collected with their path
(``services[3].questions[2].options``) so an author can fix them all in one go.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

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
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
QUESTION_KEYS = {
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
SERVICE_KEYS = {
    "slug",
    "lgsl",
    "name",
    "summary",
    "description",
    "category",
    "team",
    "sla_working_days",
    "fee",
    "keywords",
    "what_happens_next",
    "questions",
    "workflow",
}
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

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

    @property
    def required_error(self) -> str:
        if self.error_required:
            return self.error_required
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


def _text(problems, path, data, key, *, required=True, default=""):
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
    if not isinstance(qid, str) or not _ID.match(qid) or qid == CHECK_ANSWERS:
        problems.append(f"{path}.id: must be snake_case (got {qid!r})")
        qid = "invalid"
    qtype = data.get("type")
    if qtype not in QUESTION_TYPES:
        problems.append(f"{path}.type: must be one of {', '.join(QUESTION_TYPES)} (got {qtype!r})")
        return None
    kwargs: dict[str, Any] = {
        "id": qid,
        "type": qtype,
        "label": _text(problems, path, data, "label"),
        "hint": _text(problems, path, data, "hint", required=False),
        "required": bool(data.get("required", True)),
        "personal_data": bool(data.get("personal_data", qtype in {"name", "email", "phone"})),
        "error_required": _text(problems, path, data, "error_required", required=False),
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
                or not _ID.match(raw["value"])
            ):
                problems.append(f"{opath}.value: must be a lower_snake_case string")
                continue
            options.append(
                Option(
                    value=raw["value"],
                    label=_text(problems, opath, raw, "label"),
                    hint=_text(problems, opath, raw, "hint", required=False),
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
        kwargs["unit"] = _text(problems, path, data, "unit", required=False)
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
                    exit_title=_text(problems, rpath, raw["exit"], "title"),
                    exit_body=_text(problems, rpath, raw["exit"], "body"),
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
    form = _parse_form(questions, path, problems)
    if problems:
        raise DefinitionError(problems)
    return form


def _parse_form(questions: Any, path: str, problems: list[str]) -> ServiceForm:
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


# ---------------------------------------------------------------------------- workflows

BASE_STATUSES = ("new", "in_progress", "waiting", "closed")
# Kept in step with cases.models.Resolution (a test checks): this module imports no Django.
RESOLUTIONS = ("fixed", "no_action", "duplicate", "referred", "not_possible")
WORKFLOW_KEYS = {"key", "initial", "states", "transitions"}
STATE_KEYS = {"key", "label", "public_label", "status", "resolution"}


@dataclass(frozen=True)
class WorkflowState:
    key: str
    label: str  # what staff see
    public_label: str  # what residents see
    status: str  # the base status: new, in_progress, waiting or closed
    resolution: str = ""  # closing states may fix the resolution; otherwise staff choose

    @property
    def is_closing(self) -> bool:
        return self.status == "closed"


@dataclass(frozen=True)
class Workflow:
    """The states a service's cases move through and which moves are allowed."""

    key: str
    states: tuple[WorkflowState, ...]
    initial: str
    transitions: dict[str, frozenset[str]] = field(compare=False)

    def state(self, key: str) -> WorkflowState | None:
        return next((s for s in self.states if s.key == key), None)

    def label(self, key: str) -> str:
        state = self.state(key)
        return state.label if state else key.replace("_", " ").capitalize()

    def public_label(self, key: str) -> str:
        state = self.state(key)
        return state.public_label if state else key.replace("_", " ").capitalize()

    def next_states(self, key: str) -> list[WorkflowState]:
        """States a case in ``key`` may move to, in the order the workflow lists them."""
        allowed = self.transitions.get(key, frozenset())
        return [s for s in self.states if s.key in allowed]

    def state_for_status(self, status: str, resolution: str = "") -> WorkflowState:
        """The first state mapped to a base status (and resolution, if one fits)."""
        candidates = [s for s in self.states if s.status == status]
        if not candidates:
            return self.state(self.initial)
        return next((s for s in candidates if s.resolution == resolution), candidates[0])


def _default_workflow() -> Workflow:
    states = (
        WorkflowState("new", "Received", "Received", "new"),
        WorkflowState("in_progress", "In progress", "In progress", "in_progress"),
        WorkflowState("waiting", "Waiting for information", "Waiting for information", "waiting"),
        WorkflowState("closed", "Closed", "Closed", "closed"),
    )
    # Reopening a closed case is allowed (a resident saying "not fixed" is the commonest reason).
    transitions = {
        "new": frozenset({"in_progress", "waiting", "closed"}),
        "in_progress": frozenset({"waiting", "closed"}),
        "waiting": frozenset({"in_progress", "closed"}),
        "closed": frozenset({"in_progress"}),
    }
    return Workflow(key="default", states=states, initial="new", transitions=transitions)


DEFAULT_WORKFLOW = _default_workflow()


def parse_workflow(data: Any, path: str = "workflow") -> Workflow:
    """Parse and check one workflow. Raises ``DefinitionError`` listing every problem."""
    problems: list[str] = []
    workflow = _parse_workflow(data, path, problems)
    if problems:
        raise DefinitionError(problems)
    return workflow


def _parse_workflow(data: Any, path: str, problems: list[str], *, key: str = "") -> Workflow:
    if not isinstance(data, dict):
        problems.append(f"{path}: must be a mapping with states and transitions")
        return DEFAULT_WORKFLOW
    unknown = sorted(set(data) - WORKFLOW_KEYS, key=str)
    if unknown:
        problems.append(f"{path}: unknown keys {', '.join(map(str, unknown))}")
    states: list[WorkflowState] = []
    raw_states = data.get("states")
    if not isinstance(raw_states, list) or not raw_states:
        problems.append(f"{path}.states: a workflow needs at least one state")
        raw_states = []
    for n, raw in enumerate(raw_states):
        spath = f"{path}.states[{n}]"
        if not isinstance(raw, dict):
            problems.append(f"{spath}: must be a mapping")
            continue
        unknown = sorted(set(raw) - STATE_KEYS, key=str)
        if unknown:
            problems.append(f"{spath}: unknown keys {', '.join(map(str, unknown))}")
        skey = raw.get("key")
        if not isinstance(skey, str) or not _ID.match(skey) or len(skey) > 40:
            problems.append(
                f"{spath}.key: must be snake_case, 40 characters or less (got {skey!r})"
            )
            continue
        status = raw.get("status")
        if status not in BASE_STATUSES:
            problems.append(
                f"{spath}.status: must be one of {', '.join(BASE_STATUSES)} (got {status!r})"
            )
            status = "new"
        resolution = raw.get("resolution") or ""
        if resolution and status != "closed":
            problems.append(f"{spath}.resolution: only a closing state (status closed) has one")
            resolution = ""
        elif resolution and resolution not in RESOLUTIONS:
            problems.append(
                f"{spath}.resolution: must be one of {', '.join(RESOLUTIONS)} (got {resolution!r})"
            )
            resolution = ""
        label = _text(problems, spath, raw, "label")
        states.append(
            WorkflowState(
                key=skey,
                label=label,
                public_label=_text(problems, spath, raw, "public_label", required=False) or label,
                status=status,
                resolution=resolution,
            )
        )
    keys = [s.key for s in states]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        problems.append(f"{path}.states: keys used twice: {', '.join(duplicates)}")
    known = set(keys)
    initial = data.get("initial", keys[0] if keys else "")
    if states and initial not in known:
        problems.append(f"{path}.initial: {initial!r} is not a state of this workflow")
    elif states and next(s for s in states if s.key == initial).status != "new":
        problems.append(f"{path}.initial: the first state must have status new")
    if states and not any(s.is_closing for s in states):
        problems.append(f"{path}.states: no closing state (a state with status closed)")
    transitions: dict[str, frozenset[str]] = {}
    raw_transitions = data.get("transitions")
    if not isinstance(raw_transitions, dict) or not raw_transitions:
        problems.append(f"{path}.transitions: must map each state to the states that may follow")
        raw_transitions = {}
    for source, targets in raw_transitions.items():
        tpath = f"{path}.transitions.{source}"
        if source not in known:
            problems.append(f"{tpath}: {source!r} is not a state of this workflow")
            continue
        if not isinstance(targets, list) or not all(isinstance(t, str) for t in targets):
            problems.append(f"{tpath}: must be a list of states")
            continue
        for target in targets:
            if target not in known:
                problems.append(f"{tpath}: {target!r} is not a state of this workflow")
            elif target == source:
                problems.append(f"{tpath}: a state cannot move to itself")
        transitions[source] = frozenset(t for t in targets if t in known and t != source)
    if states and initial in known:
        reached, todo = {initial}, [initial]
        while todo:
            for target in transitions.get(todo.pop(), ()):
                if target not in reached:
                    reached.add(target)
                    todo.append(target)
        unreachable = [k for k in keys if k not in reached]
        if unreachable:
            problems.append(
                f"{path}.transitions: cannot reach {', '.join(unreachable)} from {initial}"
            )
        stuck = [
            s.key
            for s in states
            if not s.is_closing and s.key in reached and not transitions.get(s.key)
        ]
        if stuck:
            problems.append(f"{path}.transitions: open states with no way out: {', '.join(stuck)}")
    return Workflow(
        key=key or str(data.get("key", "")),
        states=tuple(states),
        initial=initial if initial in known else (keys[0] if keys else ""),
        transitions=transitions,
    )


def workflow_to_data(workflow: Workflow) -> dict:
    """The workflow as plain data (how ``Service.workflow`` stores it); ``{}`` for the default."""
    if workflow is DEFAULT_WORKFLOW:
        return {}
    return {
        "key": workflow.key,
        "initial": workflow.initial,
        "states": [
            {
                "key": s.key,
                "label": s.label,
                "public_label": s.public_label,
                "status": s.status,
                **({"resolution": s.resolution} if s.resolution else {}),
            }
            for s in workflow.states
        ],
        "transitions": {
            s.key: [t.key for t in workflow.next_states(s.key)]
            for s in workflow.states
            if workflow.transitions.get(s.key)
        },
    }


@dataclass(frozen=True)
class ServiceDefinition:
    slug: str
    lgsl: int
    name: str
    summary: str
    description: str
    category: str
    team: str
    sla_working_days: int
    fee_pence: int | None
    fee_description: str
    keywords: tuple[str, ...]
    what_happens_next: str
    questions: list[dict]
    form: ServiceForm
    workflow: Workflow = DEFAULT_WORKFLOW


@dataclass(frozen=True)
class Catalogue:
    teams: list[dict]
    categories: list[dict]
    services: list[ServiceDefinition]
    workflows: dict[str, Workflow] = field(default_factory=dict)


def parse_catalogue(data: Any, *, lgsl_ids: set[int] | None = None) -> Catalogue:
    """Parse and check a whole catalogue file. Raises ``DefinitionError`` with every problem."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise DefinitionError(["the file must be a mapping with teams, categories and services"])
    teams, categories = [], []
    for key, target in (("teams", teams), ("categories", categories)):
        for n, raw in enumerate(data.get(key) or []):
            path = f"{key}[{n}]"
            if not isinstance(raw, dict) or not _SLUG.match(str(raw.get("slug", ""))):
                problems.append(f"{path}.slug: must be lower-case words joined by hyphens")
                continue
            target.append(
                {
                    "slug": raw["slug"],
                    "name": _text(problems, path, raw, "name"),
                    "description": _text(problems, path, raw, "description", required=False),
                }
            )
    workflows: dict[str, Workflow] = {}
    raw_workflows = data.get("workflows") or []
    if not isinstance(raw_workflows, list):
        problems.append("workflows: must be a list of workflows")
        raw_workflows = []
    for n, raw in enumerate(raw_workflows):
        path = f"workflows[{n}]"
        wkey = raw.get("key") if isinstance(raw, dict) else None
        if not isinstance(wkey, str) or not _SLUG.match(wkey):
            problems.append(f"{path}.key: must be lower-case words joined by hyphens")
            continue
        if wkey in workflows:
            problems.append(f"{path}.key: {wkey!r} is used by another workflow")
            continue
        workflows[wkey] = _parse_workflow(raw, path, problems, key=wkey)
    team_slugs = {t["slug"] for t in teams}
    category_slugs = {c["slug"] for c in categories}
    services = []
    for n, raw in enumerate(data.get("services") or []):
        path = f"services[{n}]"
        if not isinstance(raw, dict):
            problems.append(f"{path}: must be a mapping")
            continue
        unknown = sorted(set(raw) - SERVICE_KEYS, key=str)
        if unknown:
            problems.append(f"{path}: unknown keys {', '.join(map(str, unknown))}")
        slug = str(raw.get("slug", ""))
        if not _SLUG.match(slug):
            problems.append(f"{path}.slug: must be lower-case words joined by hyphens")
        lgsl = raw.get("lgsl")
        if not isinstance(lgsl, int) or (lgsl_ids is not None and lgsl not in lgsl_ids):
            problems.append(f"{path}.lgsl: {lgsl!r} is not an LGSL service identifier")
        if raw.get("category") not in category_slugs:
            problems.append(f"{path}.category: {raw.get('category')!r} is not a category")
        if raw.get("team") not in team_slugs:
            problems.append(f"{path}.team: {raw.get('team')!r} is not a team")
        sla = raw.get("sla_working_days")
        if not isinstance(sla, int) or not 0 < sla <= 365:
            problems.append(f"{path}.sla_working_days: must be a whole number of days, 1 to 365")
        fee = raw.get("fee")
        fee_pence, fee_description = None, ""
        if fee is not None:
            if (
                not isinstance(fee, dict)
                or not isinstance(fee.get("amount_pence"), int)
                or fee["amount_pence"] < 0
            ):
                problems.append(f"{path}.fee: must be null or have amount_pence")
            else:
                fee_pence = fee["amount_pence"]
                fee_description = _text(problems, f"{path}.fee", fee, "description")
        keywords = raw.get("keywords") or []
        if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
            problems.append(f"{path}.keywords: must be a list of words")
            keywords = []
        form = _parse_form(raw.get("questions"), f"{path}.questions", problems)
        workflow = DEFAULT_WORKFLOW
        raw_workflow = raw.get("workflow")
        if isinstance(raw_workflow, str):
            if raw_workflow not in workflows:
                problems.append(f"{path}.workflow: {raw_workflow!r} is not a workflow in this file")
            else:
                workflow = workflows[raw_workflow]
        elif raw_workflow is not None:
            workflow = _parse_workflow(
                raw_workflow, f"{path}.workflow", problems, key=f"{slug}-workflow"
            )
        services.append(
            ServiceDefinition(
                slug=slug,
                lgsl=lgsl if isinstance(lgsl, int) else 0,
                name=_text(problems, path, raw, "name"),
                summary=_text(problems, path, raw, "summary"),
                description=_text(problems, path, raw, "description"),
                category=str(raw.get("category")),
                team=str(raw.get("team")),
                sla_working_days=sla if isinstance(sla, int) else 0,
                fee_pence=fee_pence,
                fee_description=fee_description,
                keywords=tuple(k.strip().lower() for k in keywords),
                what_happens_next=_text(problems, path, raw, "what_happens_next"),
                questions=raw.get("questions") or [],
                form=form,
                workflow=workflow,
            )
        )
    slugs = [s.slug for s in services]
    duplicates = sorted({s for s in slugs if slugs.count(s) > 1})
    if duplicates:
        problems.append(f"services: slugs used twice: {', '.join(duplicates)}")
    if problems:
        raise DefinitionError(problems)
    return Catalogue(teams=teams, categories=categories, services=services, workflows=workflows)
