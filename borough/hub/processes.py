"""The hub's process pages: every process with its counts; one process drawn as its diagram
(bpmn-js, with live counts on each step) and the same counts as a table (the page works
without JavaScript); failed instances with their error and a retry; decision tables, which an
administrator changes by saving a new version; and the person steps waiting for my teams."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from lxml import etree

from borough.cases.selectors import case_contact_route
from borough.core.actors import StaffActor
from borough.core.services import audit_record
from borough.processes import policies, selectors, tables
from borough.processes.engine import ProcessDocumentError, decision_keys, task_data
from borough.processes.library.care import pounds
from borough.processes.models import DecisionTable, ProcessDefinition, ProcessInstance, ProcessStep
from borough.processes.services import NotWaiting, complete_task, retry
from borough.processes.versions import save_decision_table

from .access import staff_required

_BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
_KINDS = {
    "startEvent": "Start",
    "endEvent": "End",
    "serviceTask": "Automated step",
    "businessRuleTask": "Decision",
    "userTask": "Person's step",
    "exclusiveGateway": "Choice",
    "eventBasedGateway": "Waits for an event",
    "intermediateCatchEvent": "Waits",
    "boundaryEvent": "Timer or event",
    "scriptTask": "Automated step",
    "parallelGateway": "In parallel",
}


def _steps(bpmn: str) -> list[dict]:
    process = etree.fromstring(bpmn.encode()).find(f"{_BPMN}process")
    steps = []
    for element in process:
        if not isinstance(element.tag, str):
            continue
        kind = etree.QName(element.tag).localname
        if kind in _KINDS:
            steps.append(
                {
                    "id": element.get("id"),
                    "name": element.get("name") or element.get("id"),
                    "kind": _KINDS[kind],
                }
            )
    return steps


def _may_see(request) -> None:
    if not policies.can_see_processes(request.user):
        raise PermissionDenied


@staff_required
def processes(request):
    teams = policies.task_team_slugs(request.user)
    return render(
        request,
        "hub/processes/list.html",
        {
            "summaries": selectors.summaries()
            if policies.can_see_processes(request.user)
            else None,
            "tasks": selectors.waiting_tasks(teams),
            "manages": policies.can_manage_processes(request.user),
        },
    )


@staff_required
def process(request, key: str):
    _may_see(request)
    definition = get_object_or_404(ProcessDefinition, key=key, is_current=True)
    counts = selectors.step_counts(key)
    steps = _steps(definition.bpmn)
    for step in steps:
        step.update(counts.get(step["id"], {"waiting": 0, "done": 0, "failed": 0}))
    return render(
        request,
        "hub/processes/process.html",
        {
            "definition": definition,
            "steps": steps,
            "counts": counts,
            "failed": selectors.failed_instances(key),
            "decisions": DecisionTable.objects.filter(
                key__in=decision_keys(definition.bpmn), is_current=True
            ),
            "versions": ProcessDefinition.objects.filter(key=key).order_by("-version"),
        },
    )


@staff_required
@require_POST
def process_retry(request, instance_id: int):
    instance = get_object_or_404(
        ProcessInstance.objects.select_related("definition", "case"), pk=instance_id
    )
    try:
        instance = retry(instance=instance, actor=StaffActor(request.user))
    except NotWaiting as error:
        messages.error(request, str(error))
    else:
        if instance.status == "failed":
            messages.error(request, f"{instance.case.reference} failed again: {instance.error}")
        else:
            messages.success(
                request,
                f"{instance.case.reference} ran again and is now "
                f"{instance.get_status_display().lower()}",
            )
    return redirect("hub:process", key=instance.definition.key)


@staff_required
def decision(request, key: str):
    _may_see(request)
    current = get_object_or_404(DecisionTable, key=key, is_current=True)
    manages = policies.can_manage_processes(request.user)
    table = tables.read(current.dmn)
    error = None
    if request.method == "POST":
        if not manages:
            raise PermissionDenied
        columns = len(table.inputs) + len(table.outputs)
        cells = {
            (r, c): request.POST.get(f"cell-{r}-{c}", "")
            for r in range(len(table.rules))
            for c in range(columns)
        }
        reason = request.POST.get("reason", "").strip()[:500]
        try:
            if not reason:
                raise tables.CellError("Say why the table is changing", -1, -1)
            dmn = tables.write(current.dmn, cells)
            saved = save_decision_table(
                key=key, name=current.name, dmn=dmn, actor=StaffActor(request.user), reason=reason
            )
        except (tables.CellError, ProcessDocumentError) as problem:
            error = problem
            for (r, c), text in cells.items():
                table.rules[r]["cells"][c] = text
        else:
            messages.success(
                request,
                f"Saved as version {saved.version}: new decisions use it; "
                "cases already decided keep the version they used",
            )
            return redirect("hub:decision", key=key)
    return render(
        request,
        "hub/processes/decision.html",
        {
            "current": current,
            "table": table,
            "manages": manages,
            "error": error,
            "columns": [*table.inputs, *table.outputs],
            "width_in": len(table.inputs),
            "versions": DecisionTable.objects.filter(key=key)
            .select_related("created_by")
            .order_by("-version"),
            "reason": request.POST.get("reason", "") if error else "",
        },
        status=400 if error else 200,
    )


# The answers a person step asks for: (name, label, kind) per BPMN step id.
TASK_FIELDS = {
    "officer_decides": [
        ("outcome", "Is the home eligible? Enter eligible or not_eligible", "choice")
    ],
    "review": [("review_note", "What the review found (optional)", "text")],
    "officer_check": [
        (
            "allowed_disability_expenses_pence",
            "Disability-related expenses allowed, in pounds a week",
            "money",
        ),
        ("officer_note", "Note for the letter (optional)", "text"),
    ],
    "check_contact": [
        (
            "contact_note",
            "What you checked or changed (optional; the letter goes again to the "
            "resident's details as they are now)",
            "text",
        )
    ],
}

# The financial assessment's answers as an officer reads them (``library.care``).
_ASSESSMENT_ROWS = (
    ("care_cost_pence", "Weekly cost of care"),
    ("weekly_income_pence", "Weekly income counted (pensions and benefits)"),
    ("capital_pence", "Capital (savings, investments, other property)"),
    ("disability_expenses_pence", "Disability-related expenses claimed, a week"),
)
_PART_ROWS = (
    ("pension_weekly", "Pensions, a week"),
    ("benefits_weekly", "Benefits, a week"),
    ("earnings_weekly", "Earnings from work, a week (not counted)"),
    ("savings", "Savings"),
    ("investments", "Investments"),
    ("other_property_value", "Other property or land"),
)


def assessment_rows(assessment: dict) -> list[tuple[str, str]]:
    """The resident's answers to a financial assessment, for the officer checking it."""
    if not assessment:
        return []
    rows = [(label, pounds(int(assessment.get(key, 0)))) for key, label in _ASSESSMENT_ROWS]
    parts = assessment.get("parts") or {}
    rows += [(label, pounds(int(parts[key]))) for key, label in _PART_ROWS if key in parts]
    yes_no = {True: "Yes", False: "No"}
    rows += [
        ("Where they get care", "In a care home" if assessment.get("care_home") else "At home"),
        ("State Pension age", yes_no[bool(assessment.get("pension_age"))]),
        ("Owns the home they live in", yes_no[bool(parts.get("owns_home"))]),
        ("Owns property that may count", yes_no[bool(assessment.get("owns_property"))]),
    ]
    return rows


def _money(text: str) -> int | None:
    try:
        value = round(float(text.replace("£", "").replace(",", "").strip()) * 100)
    except ValueError:
        return None
    return value if value >= 0 else None


@staff_required
def task(request, step_id: int):
    step = get_object_or_404(
        ProcessStep.objects.select_related("instance__case", "instance__definition"),
        pk=step_id,
        kind__endswith="UserTask",
    )
    actor = StaffActor(request.user)
    if not policies.may_do_task(actor, step.team):
        raise PermissionDenied
    fields = TASK_FIELDS.get(step.step_id, [])
    errors: dict[str, str] = {}
    values = {name: request.POST.get(name, "") for name, _, _ in fields}
    if request.method == "POST":
        answers: dict = {}
        for name, _label, kind in fields:
            text = values[name].strip()
            if kind == "money":
                amount = _money(text)
                if amount is None:
                    errors[name] = "Enter an amount in pounds, like 20 or 20.50"
                answers[name] = amount
            elif kind == "choice":
                if text not in ("eligible", "not_eligible"):
                    errors[name] = "Enter eligible or not_eligible"
                answers[name] = text
            elif text:
                answers[name] = text[:500]
        if not errors:
            try:
                complete_task(step=step, actor=actor, answers=answers)
            except NotWaiting as problem:
                messages.error(request, str(problem))
                return redirect("hub:processes")
            messages.success(request, f"Done: {step.name} for {step.instance.case.reference}")
            return redirect("hub:processes")
    if step.state != "waiting":
        raise Http404("This step is no longer waiting")
    data = _task_data(step)
    if data.get("assessment"):
        audit_record(
            actor=request.user,
            action="viewed",
            object_type="financial_assessment",
            object_id=step.instance.case_id,
            resident_id=step.instance.case.resident_id,
            summary=f"financial assessment answers of {step.instance.case.reference}",
        )
    return render(
        request,
        "hub/processes/task.html",
        {
            "step": step,
            "case": step.instance.case,
            "fields": fields,
            "values": values,
            "errors": errors,
            "calculation": (data.get("calculation") or {}),
            "answers": assessment_rows(data.get("assessment") or {}),
            "contact": case_contact_route(step.instance.case)
            if step.step_id == "check_contact"
            else None,
        },
        status=400 if errors else 200,
    )


def _task_data(step: ProcessStep) -> dict:
    """What the person needs to see to do the step: the process's data at that step."""
    return task_data(step.instance.state, step.task_id)
