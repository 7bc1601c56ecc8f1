"""Process actions: start an instance for a case, do a person's step, deliver a message, fire
due timers, retry a failed instance. Each checks its policy, runs in one transaction, and
puts every step on the case's timeline.

A run that fails keeps nothing it did (its savepoint is rolled back, so a service task's writes
and queued messages go too); the instance keeps the state from before the run, is marked
failed with the error, and a retry runs the same steps again. What a person or an event gave
the instance is saved before the engine runs on, so a failure after it loses nothing.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from borough.cases.process_timeline import ProcessStepEntry, record_process_steps
from borough.core.actors import Actor, SystemActor, acting_user

from . import engine, policies
from .library import care
from .models import (
    DecisionTable,
    FinancialAssessment,
    InstanceStatus,
    ProcessDefinition,
    ProcessInstance,
    ProcessStep,
    StepState,
)
from .versions import current_decisions

log = logging.getLogger(__name__)
SYSTEM = SystemActor(name="process-engine")


class NotWaiting(Exception):
    """The step or message is not (or no longer) awaited."""


def current_definition(key: str) -> ProcessDefinition:
    return ProcessDefinition.objects.get(key=key, is_current=True)


def _context(instance: ProcessInstance) -> dict:
    # ``savepoint``: a step retried alone runs in its own, so its failure keeps the rest.
    return {"instance_id": instance.pk, "case": instance.case, "savepoint": transaction.atomic}


def start_process(*, key: str, case, actor: Actor, data: dict | None = None) -> ProcessInstance:
    """Start the current version of process ``key`` for ``case`` and run it as far as it goes."""
    if not policies.may_start_process(actor, case):
        raise PermissionDenied("You may not start a process on this case")
    definition = current_definition(key)
    used = engine.decision_keys(definition.bpmn)
    tables = [table for table in current_decisions() if table.key in used]
    now = timezone.now()
    seed = {"case_id": case.pk, "reference": case.reference} | (data or {})
    workflow = engine.new_workflow(
        definition.bpmn, definition.process_id, tuple(t.dmn for t in tables), seed
    )
    with transaction.atomic():
        instance = ProcessInstance.objects.create(
            definition=definition,
            case=case,
            state=engine.dump(workflow),
            started_at=now,
            updated_at=now,
            decisions={t.key: t.version for t in tables},
        )
        _advance(instance, now=now)
    return instance


def start_for_case(case) -> list[ProcessInstance]:
    """Start the current processes that start for the case's service (``service_slugs``; "*"
    for every service), once each: a replayed signal starts nothing twice."""
    slug = case.service.slug
    started = []
    for definition in ProcessDefinition.objects.filter(is_current=True):
        slugs = definition.service_slugs or []
        if slug not in slugs and "*" not in slugs:
            continue
        if ProcessInstance.objects.filter(case=case, definition__key=definition.key).exists():
            continue
        if definition.key == "financial-assessment":  # the online form's answers, in pence
            started.append(
                start_financial_assessment(
                    case=case, answers=care.answers_from_form(case.answers), actor=SYSTEM
                )
            )
            continue
        started.append(
            start_process(
                key=definition.key, case=case, actor=SYSTEM, data={"answers": case.answers}
            )
        )
    return started


def _advance(
    instance: ProcessInstance,
    *,
    now: dt.datetime,
    user=None,
    rebind: DecisionTable | None = None,
    workflow=None,
    release: bool = False,
) -> None:
    """Run the instance's engine steps, saving the result; on an error, keep the state from
    before the run and mark the instance failed (in the hub, with the error).

    ``workflow`` is the instance's workflow already loaded, with an event just given to it (a
    fired timer, a message): ``instance.state`` must then hold the state with that event, so a
    failure keeps it (``_fail`` saves it) and loses nothing.

    A step retried alone (``retry = alone``) that fails does not undo the run: what the other
    branches did is saved, and the instance is marked failed on that step; ``release`` (a
    retry) runs such held steps again, and only them."""
    if workflow is None:
        workflow = engine.load(instance.state, _context(instance))
    before = instance.state
    if rebind is not None and engine.rebind_decision(workflow, rebind.key, rebind.dmn):
        instance.decisions = (instance.decisions or {}) | {rebind.key: rebind.version}
    try:
        with transaction.atomic():
            run = engine.run(workflow, _context(instance), release=release)
            _save(instance, workflow, run, now=now, user=user)
    except Exception as error:  # any step's failure is the instance's, shown in the hub
        instance.state = before
        _fail(instance, error, now=now)
        return
    for step, problem in reversed(run.held):  # the first held step's error is the one shown
        failed = engine.StepFailed(step, problem)
        failed.__cause__ = problem
        _fail(instance, failed, now=now)


def _label(instance: ProcessInstance) -> str:
    return instance.definition.name


def _save(instance, workflow, run: engine.RunLog, *, now, user=None) -> None:
    definition = instance.definition
    minutes = definition.minutes_saved or {}
    done_ids = {step.task_id for step in run.done}
    existing = {s.task_id: s for s in instance.steps.filter(task_id__in=done_ids)}
    new_rows = []
    for step in run.done:
        saved = (
            0
            if user is not None and step.kind.endswith("UserTask")
            else minutes.get(step.step_id, 0)
        )
        if step.task_id in existing:
            ProcessStep.objects.filter(pk=existing[step.task_id].pk).update(
                state=StepState.DONE,
                finished_at=now,
                error="",
                minutes_saved=saved,
                by=user if step.kind.endswith("UserTask") else None,
            )
        else:
            new_rows.append(
                ProcessStep(
                    instance=instance,
                    task_id=step.task_id,
                    step_id=step.step_id,
                    name=step.name,
                    kind=step.kind,
                    state=StepState.DONE,
                    team=step.team,
                    started_at=now,
                    finished_at=now,
                    minutes_saved=saved,
                )
            )
    waiting = engine.waiting(workflow)
    waiting_ids = {step.task_id for step in waiting}
    known = set(instance.steps.filter(task_id__in=waiting_ids).values_list("task_id", flat=True))
    new_waiting = [step for step in waiting if step.task_id not in known]
    new_rows += [
        ProcessStep(
            instance=instance,
            task_id=step.task_id,
            step_id=step.step_id,
            name=step.name,
            kind=step.kind,
            state=StepState.WAITING,
            team=step.team,
            started_at=now,
        )
        for step in new_waiting
    ]
    ProcessStep.objects.bulk_create(new_rows)
    # Waiting steps the engine moved past without running them (a boundary timer cancelled
    # by the work it watched) are closed.
    instance.steps.filter(state=StepState.WAITING).exclude(task_id__in=waiting_ids).exclude(
        task_id__in=done_ids
    ).update(state=StepState.DONE, finished_at=now)

    instance.state = engine.dump(workflow)
    instance.error = instance.error_step = ""
    instance.next_timer_at = engine.next_timer(workflow)
    instance.waiting_for = engine.messages_waited(workflow)
    if workflow.is_completed():
        instance.status, instance.finished_at = InstanceStatus.COMPLETED, now
    else:
        instance.status = InstanceStatus.WAITING
    if user is not None:
        instance.touched_by_person = True
    instance.updated_at = now
    instance.save()
    entries = [
        ProcessStepEntry(
            at=now,
            process=_label(instance),
            step=step.name,
            user_id=getattr(user, "pk", None) if step.kind.endswith("UserTask") else None,
            detail=_decision_detail(instance, step),
        )
        for step in run.done
    ] + [
        ProcessStepEntry(at=now, process=_label(instance), step=step.name, outcome="waiting")
        for step in new_waiting
    ]
    if workflow.is_completed():
        entries.append(ProcessStepEntry(at=now, process=_label(instance), step="finished"))
    record_process_steps(instance.case_id, entries)


def _decision_detail(instance, step) -> dict | None:
    """The decision a business rule step used, and its version (kept on the case)."""
    if not step.decision:
        return None
    return {"decision": step.decision, "version": (instance.decisions or {}).get(step.decision)}


def _fail(instance: ProcessInstance, error: Exception, *, now) -> None:
    step = error.step if isinstance(error, engine.StepFailed) else None
    message = _message(error)
    log.warning(
        "process step failed: %s",
        message,
        extra={"instance": instance.pk, "step": step.step_id if step else ""},
    )
    with transaction.atomic():
        step_name = step.name if step else ""
        ProcessInstance.objects.filter(pk=instance.pk).update(
            status=InstanceStatus.FAILED,
            error=message,
            error_step=step_name,
            updated_at=now,
            state=instance.state,  # the state before the run (with the event it was given)
        )
        instance.status, instance.error, instance.error_step = (
            InstanceStatus.FAILED,
            message,
            step_name,
        )
        if step is not None:
            ProcessStep.objects.update_or_create(
                instance=instance,
                task_id=step.task_id,
                defaults={
                    "step_id": step.step_id,
                    "name": step.name,
                    "kind": step.kind,
                    "state": StepState.FAILED,
                    "team": step.team,
                    "started_at": now,
                    "error": message,
                },
            )
        record_process_steps(
            instance.case_id,
            [
                ProcessStepEntry(
                    at=now,
                    process=_label(instance),
                    step=step_name or "a step",
                    outcome="failed",
                    detail={"error": message},
                )
            ],
        )


def _message(error: Exception) -> str:
    """The error in words: Spiff wraps a step's exception; the original says what happened."""
    original: BaseException = error
    while original.__cause__ is not None or getattr(original, "exception", None) is not None:
        original = original.__cause__ or original.exception  # type: ignore[attr-defined]
    text = str(original).split("\n")[0] or original.__class__.__name__
    return text[:2000]


def _locked(instance_id: int) -> ProcessInstance:
    return (
        ProcessInstance.objects.select_for_update()
        .select_related("definition", "case")
        .get(pk=instance_id)
    )


def complete_task(*, step: ProcessStep, actor: Actor, answers: dict) -> ProcessInstance:
    """A person does a waiting user task (an officer's check): their answers go into the
    process, which runs on."""
    if not policies.may_do_task(actor, step.team):
        raise PermissionDenied("This step is for another team")
    now = timezone.now()
    user = acting_user(actor)
    with transaction.atomic():
        instance = _locked(step.instance_id)
        workflow = engine.load(instance.state, _context(instance))
        try:
            done = engine.complete_user_task(workflow, step.task_id, answers)
        except LookupError as error:
            raise NotWaiting(str(error)) from error
        instance.state = engine.dump(workflow)  # kept if the run fails
        instance.touched_by_person = True
        instance.save(update_fields=["touched_by_person"])
        ProcessStep.objects.filter(pk=step.pk).update(
            state=StepState.DONE, finished_at=now, by=user, minutes_saved=0
        )
        record_process_steps(
            instance.case_id,
            [
                ProcessStepEntry(
                    at=now,
                    process=_label(instance),
                    step=done.name,
                    user_id=getattr(user, "pk", None),
                )
            ],
        )
        _advance(instance, now=now, user=user, workflow=workflow)
    return instance


def send_message(*, case_id: int, name: str, payload: dict, actor: Actor) -> int:
    """Deliver message ``name`` to every instance on the case waiting for it (a payment taken,
    a webhook, a delivery receipt). Returns how many took it; a message nobody waits for is
    dropped (and logged): it is not an error for the sender."""
    if not policies.may_send_message(actor):
        raise PermissionDenied("Only Borough's own services and API clients send process messages")
    now = timezone.now()
    delivered = 0
    with transaction.atomic():
        for instance in (
            ProcessInstance.objects.select_for_update()
            .select_related("definition", "case")
            .filter(case_id=case_id, status=InstanceStatus.WAITING)
        ):
            if name not in (instance.waiting_for or []):
                continue
            workflow = engine.load(instance.state, _context(instance))
            if not engine.deliver(workflow, name, payload):
                continue
            instance.state = engine.dump(workflow)  # kept if the run fails
            _advance(instance, now=now, workflow=workflow)
            delivered += 1
    if not delivered:
        log.info("process message not awaited", extra={"case_id": case_id, "process_message": name})
    return delivered


def sweep_timers(*, now: dt.datetime, batch: int = 500) -> int:
    """Fire every timer due at ``now`` (the Huey schedule runs this each minute). Idempotent:
    an instance is locked (others skip it) and re-checked before its timer fires, and a fired
    timer moves the instance's next due time on, so a second sweep finds nothing to do."""
    fired = 0
    due = list(
        ProcessInstance.objects.filter(status=InstanceStatus.WAITING, next_timer_at__lte=now)
        .order_by("next_timer_at")
        .values_list("pk", flat=True)[:batch]
    )
    for pk in due:
        with transaction.atomic():
            instance = (
                ProcessInstance.objects.select_for_update(skip_locked=True)
                .select_related("definition", "case")
                .filter(pk=pk, status=InstanceStatus.WAITING, next_timer_at__lte=now)
                .first()
            )
            if instance is None:
                continue
            workflow = engine.load(instance.state, _context(instance))
            if engine.fire_due_timers(workflow, now):
                instance.state = engine.dump(workflow)  # kept if the run fails
                _advance(instance, now=now, workflow=workflow)
                fired += 1
            else:
                instance.next_timer_at = engine.next_timer(workflow)
                instance.save(update_fields=["next_timer_at"])
    return fired


def retry(*, instance: ProcessInstance, actor: Actor) -> ProcessInstance:
    """Run a failed instance again from where it stopped. A decision that had no rule for its
    inputs is retried with the decision table's current version (an administrator may have
    added the rule); the version used is recorded on the case."""
    if not policies.may_retry(actor, instance.case):
        raise PermissionDenied("You may not retry this process")
    now = timezone.now()
    with transaction.atomic():
        instance = _locked(instance.pk)
        if instance.status != InstanceStatus.FAILED:
            raise NotWaiting("This process has not failed")
        rebind = _table_named_in(instance.error) if "has no rule" in instance.error else None
        instance.status, instance.error = InstanceStatus.RUNNING, ""
        instance.save(update_fields=["status", "error"])
        record_process_steps(
            instance.case_id,
            [
                ProcessStepEntry(
                    at=now,
                    process=_label(instance),
                    step=f"retried by {actor}",
                    user_id=getattr(acting_user(actor), "pk", None),
                )
            ],
        )
        _advance(instance, now=now, user=acting_user(actor), rebind=rebind, release=True)
    return instance


def _table_named_in(error: str) -> DecisionTable | None:
    for table in current_decisions():
        if f"decision table {table.key!r}" in error:
            return table
    return None


def start_financial_assessment(*, case, answers: dict, actor: Actor) -> ProcessInstance:
    """Keep a resident's financial assessment answers on their case and start the assessment
    (``library.care``). Answers it cannot use are refused with a clear error; nothing is kept."""
    cleaned = care.clean_answers(answers)
    with transaction.atomic():
        FinancialAssessment.objects.create(case=case, answers=cleaned)
        return start_process(
            key="financial-assessment", case=case, actor=actor, data={"assessment": cleaned}
        )
