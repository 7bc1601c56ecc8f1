"""Staff pages: sign in, the case list and a case."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from borough.accounts.models import Team
from borough.accounts.policies import visible_team_ids
from borough.cases.models import Status
from borough.cases.selectors import case_by_reference, case_list
from borough.catalogue.answers import display_answer
from borough.core.services import audit_record
from borough.places.selectors import Gazetteer

from .access import staff_required

PAGE_SIZE = 50


class StaffSignInForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "class": "govuk-input", "spellcheck": "false"}
        ),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(
            attrs={"autocomplete": "current-password", "class": "govuk-input"}
        ),
    )

    error_messages = {
        "invalid_login": "Enter a correct email address and password",
        "inactive": "This account has been switched off. Ask your team lead.",
    }


class StaffLoginView(LoginView):
    template_name = "hub/login.html"
    authentication_form = StaffSignInForm
    redirect_authenticated_user = True


@staff_required
def cases(request):
    """The work queue: cases of the teams this member of staff may see, newest first."""
    team_ids = visible_team_ids(request.user)
    status = request.GET.get("status", "")
    status = status if status in Status.values else ""
    team_filter = request.GET.get("team", "")
    chosen_team = int(team_filter) if team_filter.isdigit() else None
    if chosen_team is not None and team_ids is not None and chosen_team not in team_ids:
        chosen_team = None
    filter_ids = {chosen_team} if chosen_team is not None else team_ids
    page = Paginator(case_list(team_ids=filter_ids, status=status or None), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    teams = Team.objects.all() if team_ids is None else Team.objects.filter(id__in=team_ids)
    return render(
        request,
        "hub/cases.html",
        {
            "page": page,
            "statuses": Status.choices,
            "status": status,
            "teams": teams,
            "team": chosen_team,
        },
    )


@staff_required
def case_detail(request, reference: str):
    """Everything about one case. Viewing it is recorded in the audit log."""
    case = case_by_reference(reference)
    if case is None:
        raise Http404("No such case")
    team_ids = visible_team_ids(request.user)
    if team_ids is not None and case.team_id not in team_ids:
        raise PermissionDenied
    audit_record(
        actor=request.user,
        action="viewed",
        object_type="case",
        object_id=case.pk,
        summary=f"case {case.reference}",
    )
    places = Gazetteer()
    answers = [
        {"label": q.label, "value": display_answer(q, case.answers.get(q.id), places=places)}
        for q in case.service.form.questions
        if q.id in case.answers
    ]
    events = case.events.select_related("actor").order_by("at", "id")
    return render(request, "hub/case.html", {"case": case, "answers": answers, "events": events})
