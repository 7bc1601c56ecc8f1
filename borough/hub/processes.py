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

from borough.cases.models import Case
from borough.cases.selectors import case_contact_route
from borough.cases.workflow import case_add_note
from borough.catalogue.fees import pounds
from borough.core.actors import StaffActor
from borough.core.services import audit_record
from borough.processes import policies, selectors, tables
from borough.processes.engine import ProcessDocumentError, decision_keys, task_data
from borough.processes.models import DecisionTable, ProcessDefinition, ProcessInstance, ProcessStep
from borough.processes.services import NotWaiting, complete_task, retry
from borough.processes.versions import save_decision_table
from borough.processes.ves import BadRegistration, normalise_vrm

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
    # Fly-tipping (library.flytipping)
    "ft_owner_check": [
        (
            "land_kind",
            "Who owns the land? Enter council_highway, council_park, council_housing, private "
            "or other_public",
            "choice:council_highway|council_park|council_housing|private|other_public",
        ),
        ("owner_name", "The owner's name, if known (optional)", "text"),
    ],
    "ft_enforcement": [
        (
            "enforcement_outcome",
            "What did the investigation lead to? Enter fixed_penalty, prosecution, "
            "warning_letter or no_further_action",
            "choice:fixed_penalty|prosecution|warning_letter|no_further_action",
        ),
        ("enforcement_note", "Note (optional)", "text"),
    ],
    "ft_clearance": [("clearance_note", "Anything the crew found (optional)", "text")],
    # Resident parking permit (library.permits)
    "permit_vehicle_check": [
        (
            "vehicle_decision",
            "Check the registration on the log book (V5C). Enter retry (with the corrected "
            "number) or refuse",
            "choice:retry|refuse",
        ),
        ("vehicle_registration", "Corrected registration number", "registration"),
    ],
    "permit_price_check": [
        (
            "price_decision",
            "Take the rest of the price or refund the difference from the case page, then enter "
            "issue; or enter refuse",
            "choice:issue|refuse",
        ),
    ],
    "permit_refund": [("refund_note", "Refund made (optional note)", "text")],
    "officer_check": [
        (
            "allowed_disability_expenses_pence",
            "Disability-related expenses allowed, in pounds a week",
            "money",
        ),
        ("officer_note", "Note for the letter (optional)", "text"),
    ],
    # Single person discount (processes.library.discount): the evidence is shown above.
    "discount_check": [
        ("decision", "Give the discount? Enter award or refuse", "choice"),
        ("note", "Why (kept on the case as an internal note)", "text"),
    ],
    "discount_review": [
        ("review", "Ask the resident? Enter write or no_change", "choice"),
        ("note", "Why (kept on the case as an internal note)", "text"),
    ],
    "discount_decide": [
        ("discount_decision", "End the discount? Enter end or keep", "choice"),
        ("note", "Why (kept on the case as an internal note)", "text"),
    ],
    # Waste (bulky waste, garden waste)
    "arrange": [("collection_note", "The day agreed with the resident (optional note)", "text")],
    "deliver_bin": [("delivery_note", "Where the bins were left (optional)", "text")],
    "check_contact": [
        (
            "contact_note",
            "What you checked or changed (optional; the letter goes again to the "
            "resident's details as they are now)",
            "text",
        )
    ],
}
# The answers a "choice" field takes (the process's gateways test these words).
CHOICES = {
    "outcome": ("eligible", "not_eligible"),
    "decision": ("award", "refuse"),
    "review": ("write", "no_change"),
    "discount_decision": ("end", "keep"),
}


CHOICE_DEFAULT = ["eligible", "not_eligible"]

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
            elif kind.startswith("choice"):
                allowed = (
                    kind.partition(":")[2].split("|")
                    if ":" in kind
                    else list(CHOICES.get(name, CHOICE_DEFAULT))
                )
                if text not in allowed:
                    errors[name] = "Enter " + " or ".join(allowed)
                answers[name] = text
            elif kind == "registration":
                try:
                    answers[name] = normalise_vrm(text)
                except BadRegistration as bad:
                    if text or values.get("vehicle_decision") == "retry":
                        errors[name] = str(bad)
            elif text:
                answers[name] = text[:500]
        if not errors:
            try:
                instance = complete_task(step=step, actor=actor, answers=answers)
            except NotWaiting as problem:
                messages.error(request, str(problem))
                return redirect("hub:processes")
            if answers.get("note"):  # the person's reasons, on the case for whoever reads it
                case_add_note(
                    case=Case.objects.get(pk=instance.case_id),
                    text=f"{step.name}: {answers['note']}",
                    actor=actor,
                    public=False,
                )
            messages.success(request, f"Done: {step.name} for {step.instance.case.reference}")
            return redirect("hub:processes")
    if step.state != "waiting":
        raise Http404("This step is no longer waiting")
    data = _task_data(step)
    if data.get("evidence"):
        audit_record(
            actor=request.user,
            action="viewed",
            object_type="process_evidence",
            object_id=step.instance.case.reference,
            summary=f"single view evidence for {step.name}",
        )
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
            "calculation": (data.get("calculation") or _facts(step)),
            "evidence": data.get("evidence") or None,
            "answers": assessment_rows(data.get("assessment") or {}),
            "contact": case_contact_route(step.instance.case)
            if step.step_id == "check_contact"
            else None,
        },
        status=400 if errors else 200,
    )


def _facts(step: ProcessStep) -> dict:
    """What the permit and fly-tipping steps' person needs to know, as lines."""
    if step.step_id not in ("permit_vehicle_check", "permit_price_check", "ft_owner_check"):
        return {}
    data = _task_data(step)
    vehicle, paid, land = data.get("vehicle") or {}, data.get("paid") or {}, data.get("land")
    lines = []
    if step.step_id == "permit_vehicle_check":
        lines.append(f"Registration entered: {vehicle.get('entered', '')}")
        lines.append(f"Why it was not checked: {vehicle.get('problem', '')}")
    elif step.step_id == "permit_price_check":
        lines.append(f"DVLA CO2 emissions: {vehicle.get('co2_emissions')} g/km")
        lines.append(
            f"Price for that band ({data.get('band')}): {pounds(paid.get('price_pence', 0))}"
        )
        lines.append(f"Paid: {pounds(paid.get('paid_pence', 0))}")
    elif land:
        lines.append("No land ownership record for this street: your answer is kept for it")
    return {"lines": lines}


def _task_data(step: ProcessStep) -> dict:
    """What the person needs to see to do the step: the process's data at that step."""
    return task_data(step.instance.state, step.task_id)
