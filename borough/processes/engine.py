"""The process engine: SpiffWorkflow parses and runs BPMN and DMN (ADR 0040).

This module is the only one that imports SpiffWorkflow. It builds a workflow from a definition
and decision tables, serialises and restores it, runs engine steps with Borough's script engine
(whose service tasks are the registry's), fires due timers at a given time, delivers messages,
and describes what a workflow waits on (user tasks by team, timers, messages).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

from .registry import StepContext, lookup

# Spiff logs every state change at INFO, with the task data (personal data): not kept.
logging.getLogger("spiff").setLevel(logging.WARNING)

SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
_SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))


class DecisionNotCovered(Exception):
    """A decision table has no rule for the inputs it was given."""


class StepFailed(Exception):
    """A step of a run failed: which step, and the error it raised (``__cause__``)."""

    def __init__(self, step: Step | None, error: Exception):
        super().__init__(str(error))
        self.step = step


class ProcessDocumentError(Exception):
    """A BPMN or DMN document that does not parse, or names a process it does not hold."""


@dataclass
class Step:
    """One engine task as Borough records it."""

    task_id: str
    step_id: str
    name: str
    kind: str
    team: str = ""
    decision: str = ""  # for a business rule step: the decision's key


@dataclass
class RunLog:
    """What one run did: steps finished, the decisions used, and what it now waits on."""

    done: list[Step] = field(default_factory=list)
    # Steps marked to be retried alone that failed in this run, with their errors: the other
    # branches ran on, and each of these waits (in Spiff's ERROR state) for a retry.
    held: list[tuple[Step, Exception]] = field(default_factory=list)


RETRY_ALONE = "alone"


def retried_alone(task) -> bool:
    """Whether a step is marked ``retry = alone`` (a ``spiffworkflow:property``): it calls
    another system, so its failure holds only its own branch and a retry runs only it."""
    properties = (getattr(task.task_spec, "extensions", None) or {}).get("properties") or {}
    return properties.get("retry") == RETRY_ALONE


def decision_key(table) -> str:
    """A decision's key: its table's id without the ``_table`` ending (the house convention,
    checked when a table is saved)."""
    return table.id.removesuffix("_table")


def _step(task) -> Step:
    spec = task.task_spec
    engine = getattr(spec, "dmnEngine", None)
    return Step(
        decision=decision_key(engine.decision_table) if engine is not None else "",
        task_id=str(task.id),
        step_id=spec.bpmn_id or spec.name,
        name=spec.bpmn_name or spec.bpmn_id or spec.name,
        kind=spec.__class__.__name__,
        team=((getattr(spec, "extensions", None) or {}).get("properties") or {}).get("team", ""),
    )


def _visible(task) -> bool:
    """Whether a task is a step of the diagram (not the engine's own start and end markers)."""
    return bool(task.task_spec.bpmn_id) and task.task_spec.__class__.__name__ not in {
        "StartEventSplit",
        "BpmnStartTask",
        "SimpleBpmnTask",
    }


class BoroughScriptEngine(PythonScriptEngine):
    """Spiff's Python script engine, with service tasks answered by Borough's registry."""

    def __init__(self, context: dict):
        super().__init__(environment=TaskDataEnvironment({"round": round, "min": min, "max": max}))
        self.context = context

    def call_service(self, task, operation_name=None, operation_params=None, **kwargs):
        params = {name: spec["value"] for name, spec in (operation_params or {}).items()}
        step = StepContext(
            instance_id=self.context["instance_id"], case=self.context["case"], data=task.data
        )
        # A step retried alone keeps nothing of its own when it fails (the caller's savepoint),
        # while the steps of the other branches, in the same run, are kept.
        guard = self.context.get("savepoint", nullcontext) if retried_alone(task) else nullcontext
        with guard():
            return json.dumps(lookup(operation_name)(step, params) or {})


def parse(bpmn: str, process_id: str, dmns: tuple[str, ...] = ()):
    """The process spec and its subprocess specs, from the documents (refusing bad ones)."""
    parser = SpiffBpmnParser()
    try:
        parser.add_bpmn_str(bpmn.encode())
        for dmn in dmns:
            parser.add_dmn_str(dmn.encode())
        spec = parser.get_spec(process_id)
        return spec, parser.get_subprocess_specs(process_id)
    except Exception as error:  # Spiff raises several kinds; the message is what matters
        raise ProcessDocumentError(f"The process could not be read: {error}") from error


@lru_cache(maxsize=64)
def _parsed(bpmn: str, process_id: str, dmns: tuple[str, ...]):
    return parse(bpmn, process_id, dmns)


def new_workflow(bpmn: str, process_id: str, dmns: tuple[str, ...], data: dict) -> BpmnWorkflow:
    spec, subprocesses = _parsed(bpmn, process_id, dmns)
    workflow = BpmnWorkflow(spec, subprocesses)
    workflow.data.update(data)
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(data)
    return workflow


def dump(workflow: BpmnWorkflow) -> str:
    """The workflow as Spiff's JSON (kept as text: key order matters to Spiff)."""
    return _SERIALIZER.serialize_json(workflow)


def load(state: str, context: dict) -> BpmnWorkflow:
    workflow = _SERIALIZER.deserialize_json(state)
    workflow.script_engine = BoroughScriptEngine(context)
    return workflow


def decision_outputs(task) -> list[str]:
    engine = getattr(task.task_spec, "dmnEngine", None)
    if engine is None:
        return []
    return [output.name for output in engine.decision_table.outputs]


def run(workflow: BpmnWorkflow, context: dict, *, release: bool = False) -> RunLog:
    """Run every engine step that can run now; raise on the first that fails (the caller
    keeps nothing of the run). A decision with no rule for its inputs is an error, not an
    empty answer.

    A step marked ``retry = alone`` that fails does not stop the run: it is held (listed in
    ``RunLog.held``) and the other branches run on. ``release`` (a retry) runs the held
    steps again first."""
    workflow.script_engine = BoroughScriptEngine(context)
    if release:
        for task in workflow.get_tasks(state=TaskState.ERROR):
            if retried_alone(task):
                task._set_state(TaskState.READY)
    log = RunLog()
    current: list = [None]

    def before(task) -> None:
        current[0] = task
        engine = getattr(task.task_spec, "dmnEngine", None)
        if engine is not None and not engine.decide(task):
            inputs = {
                entry.label or entry.expression: _safe_eval(task, entry.expression)
                for entry in engine.decision_table.inputs
            }
            raise DecisionNotCovered(
                f"The decision table {decision_key(engine.decision_table)!r} "
                f"has no rule for these inputs: {inputs}"
            )

    def after(task) -> None:
        if _visible(task):
            log.done.append(_step(task))

    while True:
        try:
            workflow.do_engine_steps(will_complete_task=before, did_complete_task=after)
            return log
        except Exception as error:  # the step's error, whichever kind, with the step it came from
            task = current[0]
            if task is not None and retried_alone(task) and task.state == TaskState.ERROR:
                log.held.append((_step(task), error))
                continue  # Spiff left it in ERROR: the other branches go on
            raise StepFailed(_step(task) if task is not None else None, error) from error


def _safe_eval(task, expression: str) -> Any:
    try:
        return task.workflow.script_engine.evaluate(task, expression)
    except Exception:  # an input that cannot be worked out is shown as missing
        return None


def waiting(workflow: BpmnWorkflow) -> list[Step]:
    """The steps the workflow waits on: user tasks (ready, for a team) and events (waiting)."""
    steps = [_step(task) for task in workflow.get_tasks(state=TaskState.READY, manual=True)]
    steps += [_step(task) for task in workflow.get_tasks(state=TaskState.WAITING) if _visible(task)]
    return steps


def user_task(workflow: BpmnWorkflow, task_id: str):
    for task in workflow.get_tasks(state=TaskState.READY, manual=True):
        if str(task.id) == task_id:
            return task
    return None


def complete_user_task(workflow: BpmnWorkflow, task_id: str, answers: dict) -> Step:
    task = user_task(workflow, task_id)
    if task is None:
        raise LookupError("That step is no longer waiting for anyone")
    task.set_data(**answers)
    task.run()
    return _step(task)


def _has_timer(definition) -> bool:
    if isinstance(definition, TimerEventDefinition):
        return True  # a timer event
    # an event-based gateway waits on several events at once (a timer or a message)
    return isinstance(definition, MultipleEventDefinition) and any(
        isinstance(child, TimerEventDefinition) for child in definition.event_definitions
    )


def _timers(workflow: BpmnWorkflow):
    for task in workflow.get_tasks(state=TaskState.WAITING):
        if _has_timer(getattr(task.task_spec, "event_definition", None)):
            yield task


def next_timer(workflow: BpmnWorkflow) -> dt.datetime | None:
    """When the workflow's earliest waiting timer is due."""
    due = []
    for task in _timers(workflow):
        value = task._get_internal_data("event_value")
        if isinstance(value, dict):
            value = value.get("next")
        if value:
            due.append(TimerEventDefinition.get_datetime(value))
    return min(due) if due else None


def fire_due_timers(workflow: BpmnWorkflow, now: dt.datetime) -> int:
    """Mark every timer due at ``now`` as fired (Spiff reads the wall clock; Borough's sweep
    says what time it is, so tests and the sweep agree). Returns how many fired."""
    fired = 0
    for task in _timers(workflow):
        value = task._get_internal_data("event_value")
        if isinstance(value, dict):
            value = value.get("next")
        if value and TimerEventDefinition.get_datetime(value) <= now:
            task._set_internal_data(event_fired=True)
            fired += 1
    if fired:
        workflow.refresh_timers()
    return fired


def _message_definitions(workflow: BpmnWorkflow):
    for task in workflow.get_tasks(state=TaskState.WAITING):
        definition = getattr(task.task_spec, "event_definition", None)
        for item in [definition, *getattr(definition, "event_definitions", [])]:
            if isinstance(item, MessageEventDefinition):
                yield item


def messages_waited(workflow: BpmnWorkflow) -> list[str]:
    return sorted({definition.name for definition in _message_definitions(workflow)})


def deliver(workflow: BpmnWorkflow, name: str, payload: dict) -> bool:
    """Deliver message ``name`` to the task waiting for it; False when none waits for it."""
    for definition in _message_definitions(workflow):
        if definition.name == name:
            workflow.send_event(BpmnEvent(definition, payload))
            return True
    return False


def check_decision(dmn: str) -> str:
    """The key of the one decision a DMN document holds; raise if it does not parse or does not
    follow the convention (one decision, its table's id the decision's id + ``_table``)."""
    parser = SpiffBpmnParser()
    try:
        parser.add_dmn_str(dmn.encode())
        keys = list(parser.dmn_parsers)
        if len(keys) != 1:
            raise ValueError("a decision table document must hold exactly one decision")
        table = parser.get_engine(keys[0], None).decision_table
    except Exception as error:
        raise ProcessDocumentError(f"The decision table could not be read: {error}") from error
    if decision_key(table) != keys[0]:
        raise ProcessDocumentError(f"The decision table's id must be {keys[0]}_table")
    return keys[0]


def rebind_decision(workflow: BpmnWorkflow, key: str, dmn: str) -> bool:
    """Point the business rule steps of decision ``key`` at another version of its table (a
    retry after an administrator fixed a table that did not cover an input). The instance's
    copy of the spec changes; other instances keep theirs."""
    parser = SpiffBpmnParser()
    parser.add_dmn_str(dmn.encode())
    rebound = False
    specs = [workflow.spec, *workflow.subprocess_specs.values()]
    for spec in specs:
        for task_spec in spec.task_specs.values():
            engine = getattr(task_spec, "dmnEngine", None)
            if engine is not None and decision_key(engine.decision_table) == key:
                task_spec.dmnEngine = parser.get_engine(key, None)
                rebound = True
    return rebound


def parse_cached(bpmn: str, process_id: str, dmns: tuple[str, ...] = ()):
    """``parse``, remembering the last documents parsed (loading the same version twice)."""
    return _parsed(bpmn, process_id, dmns)


def task_data(state: str, task_id: str) -> dict:
    """The data a waiting task holds (what a person needs to see to do it)."""
    workflow = _SERIALIZER.deserialize_json(state)
    task = user_task(workflow, task_id)
    return dict(task.data) if task is not None else {}


def decision_keys(bpmn: str) -> set[str]:
    """The decisions a BPMN document's business rule steps call."""
    root = etree.fromstring(bpmn.encode())
    return {node.text.strip() for node in root.iter(f"{{{SPIFF_NS}}}calledDecisionId") if node.text}


def decision_rows(dmn: str, data: dict, *, columns: tuple[int, ...]) -> list[dict]:
    """The outputs of every rule of a decision table whose input ``columns`` (0-based) match
    ``data``, the other inputs left out: what a table says for each value of an input the
    caller does not know yet (a permit's price for each band, on a date). Spiff's own engine
    judges each cell, so a cell means here what it means in a process."""
    parser = SpiffBpmnParser()
    parser.add_dmn_str(dmn.encode())
    engine = parser.get_engine(check_decision(dmn), None)

    class _Task:  # what Spiff's DMN engine reads of a task: its data and script engine
        def __init__(self):
            self.data = dict(data)
            self.workflow = type("W", (), {"script_engine": PythonScriptEngine()})()

    task = _Task()
    found = []
    for rule in engine.decision_table.rules:
        entries = [rule.inputEntries[i] for i in columns]
        if all(
            engine.evaluate(entry.input.expression, lhs, task)
            for entry in entries
            for lhs in entry.lhs
            if lhs is not None
        ):
            found.append(rule.output_as_dict(task))
    return found


def evaluate_decision(dmn: str, data: dict) -> dict:
    """The outputs of a decision table for ``data`` (to tell someone what a decision would say
    before they act on it). Raises ``DecisionNotCovered`` when no rule matches."""
    parser = SpiffBpmnParser()
    parser.add_dmn_str(dmn.encode())
    engine = parser.get_engine(check_decision(dmn), None)

    class _Task:  # what Spiff's DMN engine reads of a task: its data and script engine
        def __init__(self):
            self.data = dict(data)
            self.workflow = type("W", (), {"script_engine": PythonScriptEngine()})()

    task = _Task()
    result = engine.result(task)
    if not result:
        raise DecisionNotCovered(f"No rule for {data}")
    return result
