"""Staff pages: sign in, the case list and a case."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from borough.accounts.models import Team, User
from borough.accounts.policies import (
    can_see_case,
    can_see_resident,
    can_work_case,
    dashboard_team_ids,
    visible_team_ids,
)
from borough.cases.models import Priority, Resolution, Status
from borough.cases.selectors import (
    CaseFilters,
    case_by_reference,
    case_list,
    cases_for_resident,
    sla_at_risk_until,
    team_dashboard,
)
from borough.cases.services import (
    CaseChanged,
    TransitionRefused,
    case_add_note,
    case_assign,
    case_set_priority,
    case_transition,
)
from borough.catalogue.answers import display_answer
from borough.catalogue.selectors import services_online
from borough.contacts.models import Contact
from borough.contacts.selectors import contacts_for_resident
from borough.contacts.services import STAFFED_CHANNELS, ContactInvalid, contact_log
from borough.core.services import audit_record
from borough.people.selectors import household_members, resident_get
from borough.places.selectors import Gazetteer, ward_list

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


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() else None


def _assignee(value: str) -> str:
    """ "me", "nobody" or a user id (the dashboard links to an officer's cases)."""
    return value if value in {"me", "nobody"} or (value.isdigit() and len(value) < 10) else ""


@staff_required
def cases(request):
    """The work queue: cases of the teams this member of staff may see, filtered and sorted."""
    team_ids = visible_team_ids(request.user)
    get = request.GET
    chosen_team = _int(get.get("team", ""))
    if chosen_team is not None and team_ids is not None and chosen_team not in team_ids:
        chosen_team = None  # asking by URL for another team's cases shows your own
    status = get.get("status", "")
    filters = CaseFilters(
        team_ids=frozenset({chosen_team})
        if chosen_team is not None
        else (frozenset(team_ids) if team_ids is not None else None),
        status=status if status in Status.values or status == "open" else "",
        service_id=_int(get.get("service", "")),
        priority=_int(get.get("priority", "")),
        ward_id=_int(get.get("ward", "")),
        assignee=_assignee(get.get("assignee", "")),
        overdue=get.get("overdue") == "1",
        at_risk=get.get("at_risk") == "1",
        text=get.get("q", "")[:100],
        sort="due" if get.get("sort") == "due" else "newest",
    )
    page = Paginator(case_list(filters, user=request.user), PAGE_SIZE).get_page(get.get("page"))
    teams = Team.objects.all() if team_ids is None else Team.objects.filter(id__in=team_ids)
    services = services_online()
    if team_ids is not None:
        services = services.filter(team_id__in=team_ids)
    query = get.copy()
    query.pop("page", None)
    return render(
        request,
        "hub/cases.html",
        {
            "page": page,
            "filters": filters,
            "team": chosen_team,
            "teams": teams,
            "statuses": [("open", "Any open status"), *Status.choices],
            "services": services.order_by("name"),
            "wards": ward_list(),
            "priorities": Priority.choices,
            "today": timezone.localdate(),
            "at_risk_until": sla_at_risk_until(timezone.localdate()),
            "query": query.urlencode(),
        },
    )


def _case_or_404(request, reference: str):
    case = case_by_reference(reference)
    if case is None:
        raise Http404("No such case")
    if not can_see_case(request.user, case):
        raise PermissionDenied
    return case


def _render_case(request, case, *, errors: dict[str, str] | None = None, status: int = 200):
    places = Gazetteer()
    answers = [
        {"label": q.label, "value": display_answer(q, case.answers.get(q.id), places=places)}
        for q in case.service.form.questions
        if q.id in case.answers
    ]
    events = case.events.select_related("actor").order_by("at", "id")
    can_work = can_work_case(request.user, case)
    context = {
        "case": case,
        "answers": answers,
        "events": events,
        "can_work": can_work,
        "errors": errors or {},
        "form_has_errors": bool(errors),
    }
    if can_work:
        context.update(
            {
                "next_states": case.service.flow.next_states(case.current_state.key),
                "resolutions": Resolution.choices,
                "priorities": Priority.choices,
                "team_members": User.objects.filter(
                    memberships__team_id=case.team_id, is_active=True
                ).order_by("first_name"),
            }
        )
    return render(request, "hub/case.html", context, status=status)


@staff_required
def case_detail(request, reference: str):
    """Everything about one case. Viewing it is recorded in the audit log."""
    case = _case_or_404(request, reference)
    audit_record(
        actor=request.user,
        action="viewed",
        object_type="case",
        object_id=case.pk,
        summary=f"case {case.reference}",
    )
    return _render_case(request, case)


def _version(request) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


@staff_required
@require_POST
def case_action(request, reference: str, action: str):
    """Assign, change status, set priority or add a note. Each is one ``cases`` service call."""
    case = _case_or_404(request, reference)
    if not can_work_case(request.user, case):
        raise PermissionDenied
    post, version = request.POST, _version(request)
    try:
        if action == "assign":
            chosen = post.get("assignee", "")
            assignee = User.objects.filter(pk=chosen).first() if chosen.isdigit() else None
            if chosen and assignee is None:
                raise TransitionRefused("Choose someone from the list")
            case_assign(case=case, assignee=assignee, actor=request.user, expected_version=version)
            message = f"Assigned to {assignee}" if assignee else "The case is not assigned"
        elif action == "status":
            if not post.get("status"):
                raise TransitionRefused("Choose the new status")
            case_transition(
                case=case,
                to_state=post["status"],
                actor=request.user,
                resolution=post.get("resolution", ""),
                note=post.get("status_note", ""),
                expected_version=version,
            )
            message = f"Status changed to {case.service.flow.label(post['status']).lower()}"
        elif action == "priority":
            value = post.get("priority", "")
            case_set_priority(
                case=case,
                priority=int(value) if value.isdigit() else 0,
                actor=request.user,
                expected_version=version,
            )
            message = "Priority changed"
        elif action == "note":
            public = post.get("visibility") == "public"
            case_add_note(
                case=case,
                text=post.get("text", ""),
                actor=request.user,
                public=public,
                expected_version=version,
            )
            message = "Update sent to the resident" if public else "Note added"
        else:
            raise Http404("No such action")
    except (TransitionRefused, CaseChanged) as error:
        field = {"assign": "assignee", "status": "status", "priority": "priority", "note": "text"}[
            action
        ]
        case.refresh_from_db()
        return _render_case(
            request,
            case,
            errors={field: str(error)},
            status=409 if isinstance(error, CaseChanged) else 200,
        )
    messages.success(request, message)
    return redirect("hub:case", reference=case.reference)


def _resident_or_403(request, resident_id: int):
    resident = resident_get(resident_id)
    if resident is None:
        raise Http404("No such resident")
    resident_cases = list(cases_for_resident(resident))
    if not can_see_resident(
        request.user, resident, case_team_ids={case.team_id for case in resident_cases}
    ):
        raise PermissionDenied
    return resident, resident_cases


def _render_resident(request, resident, resident_cases, *, errors=None, entered=None):
    return render(
        request,
        "hub/resident.html",
        {
            "resident": resident,
            "household": household_members(resident),
            "cases": resident_cases,
            "contacts": contacts_for_resident(resident),
            "today": timezone.localdate(),
            "errors": errors or {},
            "form_has_errors": bool(errors),
            "entered": entered or {},
            "channels": [(c.value, c.label) for c in STAFFED_CHANNELS],
            "outcomes": Contact.Outcome.choices,
        },
    )


@staff_required
def resident_detail(request, resident_id: int):
    """Resident 360: details, household, needs, every case and every contact. Audited."""
    resident, resident_cases = _resident_or_403(request, resident_id)
    audit_record(
        actor=request.user,
        action="viewed",
        object_type="resident",
        object_id=resident.pk,
        summary=f"resident {resident.pk}",
    )
    return _render_resident(request, resident, resident_cases)


@staff_required
@require_POST
def resident_contact(request, resident_id: int):
    """Log a phone, face-to-face, email or letter contact handled for this resident."""
    resident, resident_cases = _resident_or_403(request, resident_id)
    try:
        contact_log(
            resident=resident,
            channel=request.POST.get("channel", ""),
            reason=request.POST.get("reason", ""),
            outcome=request.POST.get("outcome", ""),
            minutes=request.POST.get("minutes", ""),
            handled_by=request.user,
        )
    except ContactInvalid as invalid:
        return _render_resident(
            request, resident, resident_cases, errors=invalid.errors, entered=request.POST
        )
    messages.success(request, "Contact logged")
    return redirect("hub:resident", resident_id=resident.pk)


@staff_required
def dashboard(request):
    """Per team and per officer: open, due today, overdue, created and closed this week.
    Admins see every team; team leads and officers their own teams; agents are refused."""
    team_ids = dashboard_team_ids(request.user)
    if team_ids is not None and not team_ids:
        raise PermissionDenied
    now = timezone.now()
    return render(
        request,
        "hub/dashboard.html",
        {"teams": team_dashboard(team_ids=team_ids, now=now), "today": timezone.localdate(now)},
    )
