"""Response templates: team leads manage their teams' wordings, admins every team's."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render

from borough.accounts.policies import can_manage_templates, template_team_ids
from borough.cases.errors import TemplateInvalid
from borough.cases.models import ResponseTemplate, Status
from borough.cases.response_templates import response_template_delete, response_template_save
from borough.cases.responses import PLACEHOLDERS
from borough.cases.selectors import response_template_get, response_templates_for_teams
from borough.core.actors import StaffActor

from ..access import staff_required
from ..forms import ResponseTemplateForm
from ..selectors import services_of_teams, teams_by_name

# The order the error summary lists problems in: the order of the form's fields.
FIELDS = ("team", "service", "status", "title", "body")


def _template_teams(request):
    return teams_by_name(template_team_ids(request.user))


def _manager_required(request):
    """The pages are for those who manage some team's templates (what to show: saving and
    deleting ask the policy themselves)."""
    if not can_manage_templates(request.user):
        raise PermissionDenied


@staff_required
def templates_list(request):
    """Response templates of the teams this team lead or admin manages."""
    _manager_required(request)
    return render(
        request,
        "hub/templates_list.html",
        {"templates": response_templates_for_teams(template_team_ids(request.user))},
    )


def _template_form(request, template=None, *, errors=None, entered=None, status=200):
    teams = list(_template_teams(request))
    if template is not None and entered is None:
        entered = {
            "team": str(template.team_id),
            "service": str(template.service_id or ""),
            "status": template.status,
            "title": template.title,
            "body": template.body,
        }
    return render(
        request,
        "hub/template_form.html",
        {
            "template": template,
            "teams": teams,
            "services": services_of_teams(teams),
            "statuses": Status.choices,
            "placeholders": PLACEHOLDERS,
            "errors": errors or {},
            "form_has_errors": bool(errors),
            "entered": entered or {},
        },
        status=status,
    )


def _template_save(request, template=None):
    form = ResponseTemplateForm(request.POST, teams=_template_teams(request))
    if form.is_valid():
        data = form.cleaned_data
        try:
            template = response_template_save(
                actor=StaffActor(request.user),
                team=data["team"],
                service=data["service"],
                status=data["status"],
                title=data["title"],
                body=data["body"],
                template=template,
            )
        except TemplateInvalid as invalid:
            errors = invalid.errors
        else:
            messages.success(request, f"Template {template.title!r} saved")
            return redirect("hub:templates")
    else:
        errors = {name: str(problems[0]) for name, problems in form.errors.items()}
    ordered = {key: errors[key] for key in FIELDS if key in errors}
    return _template_form(request, template, errors=ordered, entered=request.POST)


@staff_required
def template_create(request):
    _manager_required(request)
    if request.method == "POST":
        return _template_save(request)
    return _template_form(request)


def _template_or_404(request, template_id: int) -> ResponseTemplate:
    template = response_template_get(template_id)
    if template is None:
        raise Http404("No such template")
    if not can_manage_templates(request.user, template.team):
        raise PermissionDenied
    return template


@staff_required
def template_edit(request, template_id: int):
    template = _template_or_404(request, template_id)
    if request.method == "POST":
        return _template_save(request, template)
    return _template_form(request, template)


@staff_required
def template_delete(request, template_id: int):
    template = _template_or_404(request, template_id)
    if request.method == "POST":
        response_template_delete(actor=StaffActor(request.user), template=template)
        messages.success(request, f"Template {template.title!r} deleted")
        return redirect("hub:templates")
    return render(request, "hub/template_delete.html", {"template": template})
