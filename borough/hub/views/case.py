"""A case: everything about it on one page, the resident's files from it, and who viewed it.
The actions on it are in ``case_actions``."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import timezone

from borough.accounts.policies import can_see_case, can_work_case, may_refund
from borough.assistant.staff import Draft, case_summary, draft_update
from borough.cases.delivery import update_deliveries
from borough.cases.models import Priority, Resolution, ResponseTemplate
from borough.cases.nearby import duplicate_suggestions
from borough.cases.responses import fill
from borough.cases.selectors import (
    case_attachments,
    case_by_reference,
    case_duplicates,
    case_event_get,
    case_events,
    case_links,
    case_viewers,
    response_templates_for_case,
    sla_clock,
)
from borough.catalogue.answers import display_answer
from borough.catalogue.uploads import EXTENSIONS, safe_name, upload_of_case
from borough.core.actors import StaffActor
from borough.core.services import audit_record
from borough.homes.charts import evidence_charts
from borough.homes.selectors import alert_for_case
from borough.homes.selectors import rules as homes_rules
from borough.payments.selectors import case_payment
from borough.places.selectors import Gazetteer

from ..access import staff_required
from ..forms import UseTemplateForm
from ..selectors import other_teams, team_members


def case_or_404(request, reference: str):
    """The case with this reference, if this member of staff may see it (403 if not)."""
    case = case_by_reference(reference)
    if case is None:
        raise Http404("No such case")
    if not can_see_case(request.user, case):
        raise PermissionDenied
    return case


def _viewed_label(row: dict, today) -> str:
    times = "once" if row["times"] == 1 else f"{row['times']} times"
    if row["day"] == today:
        when = "today"
    elif (today - row["day"]).days == 1:
        when = "yesterday"
    else:
        when = f"on {row['day'].day} {row['day']:%B %Y}"
    return f"Viewed by {row['name']}, {times} {when}"


def render_case(
    request,
    case,
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
    entered=None,
    template: ResponseTemplate | None = None,
    draft: Draft | None = None,
):
    """The case page; with the controls to work it for those who may (what to show: each
    action asks its own policy when it is used)."""
    places = Gazetteer()
    answers = [
        {"label": q.label, "value": display_answer(q, case.answers.get(q.id), places=places)}
        for q in case.service.form.questions
        if q.id in case.answers and q.type != "file"
    ]
    can_work = can_work_case(request.user, case)
    today = timezone.localdate()
    viewers = case_viewers(case)
    events = case_events(case)
    deliveries = update_deliveries(case, events)
    payment = case_payment(case)
    context = {
        "case": case,
        "answers": answers,
        "attachments": case_attachments(case),
        "events": events,
        # Each event with what became of it if it is an update for the resident (issue 17).
        "timeline": [(event, deliveries.get(event.pk)) for event in events],
        "links": case_links(case),
        "duplicates": case_duplicates(case),
        "sla": sla_clock(case, today),
        "views": [_viewed_label(row, today) for row in viewers],
        "view_count": sum(row["times"] for row in viewers),
        "can_work": can_work,
        "payment": payment,
        "may_refund": payment is not None and may_refund(StaffActor(request.user), case),
        "errors": errors or {},
        "form_has_errors": bool(errors),
        "entered": entered or {},
        # "In brief": made from the fields and timeline shown below (issue 22, point 5).
        "summary": case_summary(case, events, today),
    }
    alert = alert_for_case(case)
    if alert is not None:
        # A case the home's sensors raised: the hours the rule fired on, as charts and a table.
        context["sensor_alert"] = alert
        context["sensor_evidence"] = evidence_charts(alert.evidence, rules=homes_rules())
    if can_work:
        templates = response_templates_for_case(case)
        entered = entered or {}
        update_text = entered.get("update_text")
        if update_text is None and template is not None:
            update_text = fill(template.body, case)
        if update_text is None and draft is not None:
            update_text = draft.text
        context.update(
            {
                "next_states": case.service.flow.next_states(case.current_state.key),
                "resolutions": Resolution.choices,
                "priorities": Priority.choices,
                "team_members": team_members(case.team_id),
                "templates": templates,
                "chosen_template": template,
                "draft": draft,
                "update_text": update_text or "",
                "suggestions": duplicate_suggestions(case) if case.is_open else [],
                "window_days": settings.BOROUGH_DUPLICATE_WINDOW_DAYS,
                "other_teams": other_teams(case.team_id),
            }
        )
    return render(request, "hub/case.html", context, status=status)


@staff_required
def case_detail(request, reference: str):
    """Everything about one case. Viewing it is recorded in the audit log. With ``?template=``
    (the "use template" step), the update form is filled in from that response template."""
    case = case_or_404(request, reference)
    audit_record(
        actor=request.user,
        action="viewed",
        object_type="case",
        object_id=case.pk,
        resident_id=case.resident_id,
        summary=f"case {case.reference}",
    )
    form = UseTemplateForm(request.GET)
    chosen = form.cleaned_data["template"] if form.is_valid() else None
    template = None
    if chosen is not None and can_work_case(request.user, case):
        template = next((t for t in response_templates_for_case(case) if t.pk == chosen), None)
        if template is None:
            return render_case(
                request,
                case,
                errors={"template": "Choose a template from the list"},
            )
    draft = None
    if request.GET.get("draft") and template is None and can_work_case(request.user, case):
        draft = draft_update(case, response_templates_for_case(case))
        audit_record(
            actor=request.user,
            action="drafted",
            object_type="case",
            object_id=case.pk,
            resident_id=case.resident_id,
            summary=f"public update for case {case.reference}"
            + (f" from template {draft.template.title!r}" if draft.template else ""),
        )
    return render_case(request, case, template=template, draft=draft)


def _stored_file(case, answer) -> tuple[str, str, str]:
    """``(path, type, name)`` of a file a case keeps, all as Borough stored them: from the
    ``Upload`` record the answer names (issue 16). Answers from before uploads were recorded
    name their path, under a name Borough chose: the type then comes from its extension."""
    if not isinstance(answer, dict):
        raise Http404("No such file")
    if "upload" in answer:
        upload = upload_of_case(case.pk, answer["upload"])
        if upload is None:
            raise Http404("The file is no longer kept")
        return upload.path, upload.content_type, upload.name
    path = str(answer.get("path", ""))
    kind = next((k for k, ext in EXTENSIONS.items() if path.endswith(f".{ext}")), None)
    if kind is None or not path.startswith("uploads/") or ".." in path:
        raise Http404("No such file")
    return path, kind, safe_name(str(answer.get("name", "")), kind)


def _audited_download(request, *, case, answer, object_id, summary, resident_id=None):
    """Hand staff a resident's file from a case, writing who opened it to the audit log. The
    type and name are the ones Borough stored, and browsers are told not to guess another."""
    path, content_type, name = _stored_file(case, answer)
    if not default_storage.exists(path):
        raise Http404("The file is no longer kept")
    audit_record(
        actor=request.user,
        action="viewed",
        object_type="case_attachment",
        object_id=object_id,
        resident_id=resident_id,
        summary=summary,
    )
    response = FileResponse(
        default_storage.open(path, "rb"),
        as_attachment=True,
        filename=name,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_required
def case_attachment(request, reference: str, question_id: str):
    """Download a file the resident gave with their request. Audited."""
    case = case_or_404(request, reference)
    attachment = next((a for a in case_attachments(case) if a["question_id"] == question_id), None)
    if attachment is None:
        raise Http404("No such file")
    return _audited_download(
        request,
        case=case,
        answer=case.answers[question_id],
        object_id=f"{case.pk}:{question_id}",
        summary=f"file {question_id} of case {case.reference}",
        resident_id=case.resident_id,
    )


@staff_required
def case_event_file(request, reference: str, event_id: int):
    """Download a file the resident added to their request later. Audited."""
    case = case_or_404(request, reference)
    event = case_event_get(case, event_id)
    attachment = event.data.get("attachment") if event else None
    if event is None or not attachment:
        raise Http404("No such file")
    return _audited_download(
        request,
        case=case,
        answer=attachment,
        object_id=f"{case.pk}:event-{event.pk}",
        summary=f"file added by the resident to case {case.reference}",
        resident_id=case.resident_id,
    )
