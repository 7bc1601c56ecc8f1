"""The phone routing plan (issue 21, point 4): administrators map each number to a line, add
queues, and export or import the whole plan as YAML or JSON. Every change is read by the
gateway on the next call (``telephony.services.route_call`` reads the database each call).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from borough.accounts.models import Team
from borough.accounts.telephony_policies import can_manage_routing_plan
from borough.catalogue.models import Service
from borough.core.actors import StaffActor
from borough.telephony.models import WEEKDAYS, CallQueue, Line
from borough.telephony.plan import hours_from_text
from borough.telephony.plan_file import (
    PlanInvalid,
    line_as_data,
    line_save,
    plan_dump,
    plan_import,
    queue_save,
)

from .access import staff_required

DAY_NAMES = dict(
    zip(
        WEEKDAYS,
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        strict=True,
    )
)
# Largest plan file accepted (a council's hundred lines are about 100 KB).
MAX_PLAN_BYTES = 2_000_000


def _allowed(request) -> None:
    if not can_manage_routing_plan(request.user):
        raise PermissionDenied


@staff_required
def plan(request, errors: dict | None = None, entered: dict | None = None):
    """Every line with its numbers, hours and queue; the queues; export and import."""
    _allowed(request)
    lines = Line.objects.select_related("service", "queue", "team").prefetch_related("numbers")
    return render(
        request,
        "hub/routing_plan.html",
        {
            "lines": [(line, _hours_rows(line.opening_hours)) for line in lines.order_by("name")],
            "queues": CallQueue.objects.select_related("team").order_by("name"),
            "teams": Team.objects.order_by("name"),
            "errors": errors or {},
            "entered": entered or {},
        },
    )


def _hours_rows(hours: dict) -> list[tuple[str, str]]:
    return [(DAY_NAMES[day], ", ".join(hours.get(day) or []) or "Closed") for day in WEEKDAYS]


@staff_required
def plan_export_view(request):
    """The plan as a file to download (``?format=json`` for JSON; YAML otherwise)."""
    _allowed(request)
    fmt = "json" if request.GET.get("format") == "json" else "yaml"
    response = HttpResponse(
        plan_dump(fmt),
        content_type="application/json" if fmt == "json" else "application/yaml",
    )
    response["Content-Disposition"] = f'attachment; filename="routing-plan.{fmt}"'
    return response


@staff_required
@require_POST
def plan_import_view(request):
    """Replace the plan with an uploaded file, all or nothing."""
    _allowed(request)
    upload = request.FILES.get("plan")
    if upload is None or upload.size == 0:
        return plan.__wrapped__(request, errors={"plan": "Choose a plan file to import"})
    if upload.size > MAX_PLAN_BYTES:
        return plan.__wrapped__(request, errors={"plan": "The plan file must be smaller than 2 MB"})
    try:
        text = upload.read().decode("utf-8")
    except UnicodeDecodeError:
        return plan.__wrapped__(request, errors={"plan": "The plan file must be UTF-8 text"})
    try:
        counts = plan_import(actor=StaffActor(request.user), text=text)
    except PlanInvalid as invalid:
        problems = {f"plan-{i}": p for i, p in enumerate(invalid.problems[:50])}
        return plan.__wrapped__(
            request,
            errors={"plan": "The plan was not imported: nothing has changed. Put these right:"},
            entered={"problems": list(problems.values())},
        )
    messages.success(
        request,
        f"Routing plan imported: {counts['lines']} lines, {counts['queues']} queues, "
        f"{counts['numbers']} numbers",
    )
    return redirect("hub:routing_plan")


@staff_required
@require_POST
def queue_new(request):
    _allowed(request)
    fields = {
        k: request.POST.get(k, "").strip() for k in ("queue_slug", "queue_name", "queue_team")
    }
    try:
        queue_save(
            actor=StaffActor(request.user),
            slug=fields["queue_slug"],
            name=fields["queue_name"],
            team_slug=fields["queue_team"],
        )
    except PlanInvalid as invalid:
        return plan.__wrapped__(
            request, errors={"queue_slug": "; ".join(invalid.problems)}, entered=fields
        )
    messages.success(request, "Queue saved")
    return redirect("hub:routing_plan")


# Where each of the checker's problems is shown on the line form.
FIELD_OF_PROBLEM = (
    ("slug", "slug"),
    ("name", "name"),
    ("greeting", "greeting"),
    ("number", "numbers"),
    ("voicemail", "voicemail_service"),
    ("service", "service"),
    ("team", "team"),
    ("queue", "queue"),
    ("opening hours", "hours-mon"),
    ("out_of_hours_transfer", "out_of_hours_transfer"),
    ("teams_queue_uri", "teams_queue_uri"),
    ("recording_retention_days", "recording_retention_days"),
    ("a line that records", "recording_notice"),
)


def _field_of(problem: str) -> str:
    return next((f for prefix, f in FIELD_OF_PROBLEM if problem.startswith(prefix)), "slug")


def _posted_line(post) -> dict[str, Any]:
    days = post.get("recording_retention_days", "").strip()
    hours = {day: hours_from_text(post.get(f"hours-{day}", "")) for day in WEEKDAYS}
    return {
        "slug": post.get("slug", "").strip(),
        "name": post.get("name", "").strip(),
        "numbers": [n.strip() for n in post.get("numbers", "").splitlines() if n.strip()],
        "service": post.get("service") or None,
        "team": post.get("team") or None,
        "greeting": post.get("greeting", "").strip(),
        "opening_hours": {day: ranges for day, ranges in hours.items() if ranges},
        "closed_on_bank_holidays": post.get("closed_on_bank_holidays") == "yes",
        "out_of_hours_message": post.get("out_of_hours_message", "").strip(),
        "out_of_hours_transfer": post.get("out_of_hours_transfer", "").strip(),
        "queue": post.get("queue") or None,
        "record_calls": post.get("record_calls") == "yes",
        "recording_notice": post.get("recording_notice", "").strip(),
        "recording_retention_days": int(days) if days.isdigit() else days,
        "teams_queue_uri": post.get("teams_queue_uri", "").strip(),
        "voicemail_service": post.get("voicemail_service") or None,
    }


def _line_page(request, line: Line | None, data: dict[str, Any], errors: dict[str, str]):
    hours = data.get("opening_hours") or {}
    return render(
        request,
        "hub/routing_line.html",
        {
            "line": line,
            "data": data,
            "numbers_text": "\n".join(data.get("numbers") or []),
            "hours": [(day, DAY_NAMES[day], ", ".join(hours.get(day) or [])) for day in WEEKDAYS],
            "services": Service.objects.order_by("name").only("slug", "name"),
            "teams": Team.objects.order_by("name"),
            "queues": CallQueue.objects.order_by("name"),
            "errors": errors,
        },
    )


@staff_required
def line_edit(request, slug: str | None = None):
    """Add a line (no ``slug``) or change one."""
    _allowed(request)
    line = None
    if slug is not None:
        line = Line.objects.filter(slug=slug).first()
        if line is None:
            raise Http404("No such line")
    if request.method != "POST":
        data = (
            line_as_data(line)
            if line
            else {"closed_on_bank_holidays": True, "recording_retention_days": 90}
        )
        return _line_page(request, line, data, {})
    data = _posted_line(request.POST)
    try:
        saved = line_save(actor=StaffActor(request.user), data=data, line=line)
    except PlanInvalid as invalid:
        errors: dict[str, str] = {}
        for problem in invalid.problems:
            field = _field_of(problem)
            errors[field] = f"{errors[field]}; {problem}" if field in errors else problem
        return _line_page(request, line, data, errors)
    messages.success(request, f"{saved.name} saved: the next call uses it")
    return redirect("hub:routing_plan")
