"""Workflows: the states a service's cases move through, each mapped to a base status, and the
moves allowed between them (see docs/how-to/service-definitions.md). ``DEFAULT_WORKFLOW`` is
for services without one of their own.

Pure Python, no database, like ``definitions.py``: problems are collected with their path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .definitions import IDENTIFIER, DefinitionError, text_value

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
            initial = self.state(self.initial)
            assert initial is not None  # a workflow's initial is one of its states
            return initial
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
    workflow = read_workflow(data, path, problems)
    if problems:
        raise DefinitionError(problems)
    return workflow


def read_workflow(data: Any, path: str, problems: list[str], *, key: str = "") -> Workflow:
    """Parse one workflow, adding every problem to ``problems`` instead of raising."""
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
        if not isinstance(skey, str) or not IDENTIFIER.match(skey) or len(skey) > 40:
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
        label = text_value(problems, spath, raw, "label")
        states.append(
            WorkflowState(
                key=skey,
                label=label,
                public_label=text_value(problems, spath, raw, "public_label", required=False)
                or label,
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
