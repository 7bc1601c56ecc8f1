"""Staff pages: sign in, the case list and a case."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.decorators.http import require_POST

from borough.accounts.models import Role, Team, User
from borough.accounts.policies import (
    can_bulk_change,
    can_change_saved_view,
    can_manage_templates,
    can_see_case,
    can_see_resident,
    can_work_case,
    dashboard_team_ids,
    template_team_ids,
    view_share_team_ids,
    visible_team_ids,
    work_team_ids,
)
from borough.cases.dashboard import team_dashboard
from borough.cases.errors import CaseChanged, TemplateInvalid, TransitionRefused
from borough.cases.lists import case_ids, case_rows
from borough.cases.models import Priority, Resolution, ResponseTemplate, Status
from borough.cases.nearby import duplicate_suggestions
from borough.cases.relations import case_link, case_mark_duplicate, case_unlink
from borough.cases.response_templates import response_template_delete, response_template_save
from borough.cases.responses import PLACEHOLDERS, fill
from borough.cases.selectors import (
    case_attachments,
    case_by_reference,
    case_duplicates,
    case_events,
    case_links,
    case_viewers,
    cases_for_resident,
    response_templates_for_case,
    response_templates_for_teams,
    sla_at_risk_until,
    sla_clock,
)
from borough.cases.workflow import (
    case_add_note,
    case_assign,
    case_record_time,
    case_send_update,
    case_set_priority,
    case_transfer,
    case_transition,
)
from borough.catalogue.answers import display_answer
from borough.catalogue.models import Service
from borough.catalogue.selectors import services_online
from borough.contacts.models import Contact
from borough.contacts.selectors import contacts_for_resident
from borough.contacts.services import STAFFED_CHANNELS, ContactInvalid, contact_log
from borough.core.actors import StaffActor
from borough.core.services import audit_record
from borough.people.selectors import household_members, resident_get
from borough.places.selectors import Gazetteer, ward_list

from .access import staff_required
from .selectors import queue_filters, queue_query, saved_view_get, saved_views_for
from .services import (
    SavedViewInvalid,
    cases_bulk_assign,
    cases_bulk_transition,
    saved_view_create,
    saved_view_delete,
    saved_view_update,
)

PAGE_SIZE = 50


def sign_in(request):
    """The hub's old sign-in address: staff sign in on the account pages, like everyone."""
    query = request.META.get("QUERY_STRING", "")
    return redirect(reverse("account_login") + (f"?{query}" if query else ""))


COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """Pages through at most ``COUNT_CAP`` + 1 cases in two queries, whatever the filters.

    The first query reads only the ids of the matching cases, in the queue's order, up to the
    cap: an index-only scan for the usual views, and a text search's subqueries run once. Its
    length is the count ("more than 10,000 cases" past the cap). The second reads the page's
    50 rows by id, with everything a row shows (ADR 0011).
    """

    def __init__(self, filters, user, per_page):
        super().__init__([], per_page)
        self.filters = filters
        self.user = user

    @cached_property
    def ids(self) -> list[int]:
        return case_ids(self.filters, user=self.user, limit=COUNT_CAP + 1)

    @cached_property
    def count(self) -> int:
        return len(self.ids)

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        chosen = self.ids[bottom : bottom + self.per_page]
        rows = {case.pk: case for case in case_rows(chosen)}
        return self._get_page([rows[pk] for pk in chosen if pk in rows], number, self)


def _queue_context(request) -> dict:
    """Everything the queue page shows, in a number of queries that does not grow with cases."""
    team_ids = visible_team_ids(request.user)
    filters, chosen_team = queue_filters(request.GET, team_ids=team_ids)
    paginator = CappedPaginator(filters, request.user, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    teams = Team.objects.all() if team_ids is None else Team.objects.filter(id__in=team_ids)
    services = services_online()
    if team_ids is not None:
        services = services.filter(team_id__in=team_ids)
    services = list(services.order_by("name"))
    may_work = work_team_ids(request.user)
    can_bulk = may_work is None or bool(may_work)
    query = queue_query(filters, team=chosen_team)
    states: dict[str, str] = {}
    for service in services:
        for state in service.flow.states:
            states.setdefault(state.key, state.label)
    views = list(saved_views_for(request.user))
    share_teams = view_share_team_ids(request.user)
    context = {
        "page": page,
        "capped": paginator.capped,
        "count_cap": COUNT_CAP,
        "filters": filters,
        "team": chosen_team,
        "teams": teams,
        "statuses": [("open", "Any open status"), *Status.choices],
        "states": sorted(states.items(), key=lambda item: item[1]),
        "sorts": SORT_CHOICES,
        "services": services,
        "wards": ward_list(),
        "priorities": Priority.choices,
        "today": timezone.localdate(),
        "at_risk_until": sla_at_risk_until(timezone.localdate()),
        "query": query,
        "saved_views": views,
        "current_view": next((v for v in views if v.query == query), None),
        "share_teams": (
            list(Team.objects.all() if share_teams is None else teams.filter(id__in=share_teams))
            if share_teams is None or share_teams
            else []
        ),
        "can_bulk": can_bulk,
        "resolutions": Resolution.choices,
        "queue_messages": _messages_by_level(request),
    }
    if can_bulk:
        members = User.objects.filter(is_active=True, memberships__role__in=WORKING_ROLES)
        if may_work is not None:
            members = members.filter(memberships__team_id__in=may_work)
        context["officers"] = list(members.distinct().order_by("first_name", "last_name", "email"))
    return context


def _messages_by_level(request) -> dict[str, list[str]]:
    """Messages split for the queue: problems, successes, and the cases a bulk action skipped."""
    grouped: dict[str, list[str]] = {"error": [], "success": [], "warning": []}
    for message in messages.get_messages(request):
        grouped.get(message.level_tag, grouped["success"]).append(str(message))
    return grouped


SORT_CHOICES = [
    ("due", "Due date, soonest first"),
    ("priority", "Priority, highest first"),
    ("newest", "Received, newest first"),
    ("oldest", "Received, oldest first"),
]
WORKING_ROLES = (Role.OFFICER, Role.TEAM_LEAD, Role.ADMIN)


@staff_required
def cases(request):
    """The work queue: cases of the teams this member of staff may see, filtered and sorted,
    with their saved views and, for those who work cases, bulk actions."""
    return render(request, "hub/cases.html", _queue_context(request))


def _back_to_queue(request) -> str:
    """The queue with the filters the form was posted from (never another site)."""
    team_ids = visible_team_ids(request.user)
    filters, team = queue_filters(QueryDict(request.POST.get("query", "")), team_ids=team_ids)
    query = queue_query(filters, team=team)
    page = request.POST.get("page", "")
    if page.isdigit() and page != "1":
        query = f"{query}&page={page}" if query else f"page={page}"
    return reverse("hub:cases") + (f"?{query}" if query else "")


@staff_required
@require_POST
def cases_bulk(request):
    """Assign the chosen cases, or move them to a workflow state, one case at a time."""
    if not can_bulk_change(request.user):
        raise PermissionDenied
    post = request.POST
    selected = post.getlist("case")
    action = post.get("action", "")
    back = redirect(_back_to_queue(request))
    if not selected:
        messages.error(request, "Select at least one case")
        return back
    try:
        if action == "assign":
            chosen = post.get("assignee", "")
            if chosen == "nobody":
                assignee = None
            else:
                assignee = User.objects.filter(pk=chosen).first() if chosen.isdigit() else None
                if assignee is None:
                    raise TransitionRefused("Choose who to assign the cases to")
            result = cases_bulk_assign(actor=request.user, case_ids=selected, assignee=assignee)
            done = f"assigned to {assignee}" if assignee else "no longer assigned"
        elif action == "status":
            to_state = post.get("to_state", "")
            if not to_state:
                raise TransitionRefused("Choose the new status")
            result = cases_bulk_transition(
                actor=request.user,
                case_ids=selected,
                to_state=to_state,
                note=post.get("note", ""),
                resolution=post.get("resolution", ""),
            )
            done = "moved to the new status"
        else:
            raise TransitionRefused("Choose what to do with the selected cases")
    except TransitionRefused as refused:
        messages.error(request, str(refused))
        return back
    if result.changed:
        count = len(result.changed)
        messages.success(request, f"{count} case{'s' if count != 1 else ''} {done}")
    for reference, reason in result.skipped:
        messages.warning(request, f"{reference}: {reason}")
    if result.not_found:
        count = result.not_found
        messages.warning(
            request,
            f"{count} selected case{'s' if count != 1 else ''} could not be found or "
            f"{'are' if count != 1 else 'is'} not one you can see",
        )
    return back


def _saved_view_or_404(request, view_id: int):
    view = saved_view_get(request.user, view_id)
    if view is None:
        raise Http404("No such saved view")
    if not can_change_saved_view(request.user, view):
        raise PermissionDenied
    return view


def _share_team(request) -> Team | None:
    chosen = request.POST.get("team", "")
    return Team.objects.filter(pk=chosen).first() if chosen.isdigit() else None


@staff_required
@require_POST
def saved_view_save(request):
    """Save the queue's current filters under a name (and share with a team, for team leads)."""
    team_ids = visible_team_ids(request.user)
    filters, team = queue_filters(QueryDict(request.POST.get("query", "")), team_ids=team_ids)
    try:
        saved_view_create(
            actor=request.user,
            name=request.POST.get("name", ""),
            query=queue_query(filters, team=team),
            team=_share_team(request),
        )
    except SavedViewInvalid as invalid:
        for error in invalid.errors.values():
            messages.error(request, error)
    else:
        messages.success(request, f"View saved: {' '.join(request.POST['name'].split())}")
    return redirect(_back_to_queue(request))


@staff_required
def saved_view_edit(request, view_id: int):
    """Rename a saved view, or share it with a team or stop sharing it."""
    view = _saved_view_or_404(request, view_id)
    share_ids = view_share_team_ids(request.user)
    share_teams = Team.objects.all() if share_ids is None else Team.objects.filter(id__in=share_ids)
    errors, entered = {}, {"name": view.name, "team": view.team_id}
    if request.method == "POST":
        entered = {"name": request.POST.get("name", ""), "team": _int(request.POST.get("team", ""))}
        try:
            saved_view_update(
                actor=request.user, view=view, name=entered["name"], team=_share_team(request)
            )
        except SavedViewInvalid as invalid:
            errors = invalid.errors
        else:
            messages.success(request, f"View saved: {view.name}")
            return redirect(reverse("hub:cases") + (f"?{view.query}" if view.query else ""))
    return render(
        request,
        "hub/saved_view_form.html",
        {
            "view": view,
            "errors": errors,
            "entered": entered,
            "share_teams": share_teams.order_by("name"),
        },
        status=400 if errors else 200,
    )


@staff_required
def saved_view_remove(request, view_id: int):
    """Ask, then delete a saved view."""
    view = _saved_view_or_404(request, view_id)
    if request.method == "POST":
        name = view.name
        saved_view_delete(actor=request.user, view=view)
        messages.success(request, f"View deleted: {name}")
        return redirect("hub:cases")
    return render(request, "hub/saved_view_delete.html", {"view": view})


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 10 else None


def _case_or_404(request, reference: str):
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


def _render_case(
    request,
    case,
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
    entered=None,
    template: ResponseTemplate | None = None,
):
    places = Gazetteer()
    answers = [
        {"label": q.label, "value": display_answer(q, case.answers.get(q.id), places=places)}
        for q in case.service.form.questions
        if q.id in case.answers and q.type != "file"
    ]
    can_work = can_work_case(request.user, case)
    today = timezone.localdate()
    viewers = case_viewers(case)
    context = {
        "case": case,
        "answers": answers,
        "attachments": case_attachments(case),
        "events": case_events(case),
        "links": case_links(case),
        "duplicates": case_duplicates(case),
        "sla": sla_clock(case, today),
        "views": [_viewed_label(row, today) for row in viewers],
        "view_count": sum(row["times"] for row in viewers),
        "can_work": can_work,
        "errors": errors or {},
        "form_has_errors": bool(errors),
        "entered": entered or {},
    }
    if can_work:
        templates = response_templates_for_case(case)
        entered = entered or {}
        update_text = entered.get("update_text")
        if update_text is None and template is not None:
            update_text = fill(template.body, case)
        context.update(
            {
                "next_states": case.service.flow.next_states(case.current_state.key),
                "resolutions": Resolution.choices,
                "priorities": Priority.choices,
                "team_members": User.objects.filter(
                    memberships__team_id=case.team_id, is_active=True
                ).order_by("first_name"),
                "templates": templates,
                "chosen_template": template,
                "update_text": update_text or "",
                "suggestions": duplicate_suggestions(case) if case.is_open else [],
                "window_days": settings.BOROUGH_DUPLICATE_WINDOW_DAYS,
                "other_teams": Team.objects.exclude(pk=case.team_id).order_by("name"),
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
    template = None
    chosen = request.GET.get("template", "")
    if chosen.isdigit() and can_work_case(request.user, case):
        template = next((t for t in response_templates_for_case(case) if t.pk == int(chosen)), None)
        if template is None:
            return _render_case(
                request,
                case,
                errors={"template": "Choose a template from the list"},
            )
    return _render_case(request, case, template=template)


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
            case_assign(
                case=case,
                assignee=assignee,
                actor=StaffActor(request.user),
                expected_version=version,
            )
            message = f"Assigned to {assignee}" if assignee else "The case is not assigned"
        elif action == "status":
            if not post.get("status"):
                raise TransitionRefused("Choose the new status")
            case_transition(
                case=case,
                to_state=post["status"],
                actor=StaffActor(request.user),
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
                actor=StaffActor(request.user),
                expected_version=version,
            )
            message = "Priority changed"
        elif action == "note":
            public = post.get("visibility") == "public"
            case_add_note(
                case=case,
                text=post.get("text", ""),
                actor=StaffActor(request.user),
                public=public,
                expected_version=version,
            )
            message = "Update sent to the resident" if public else "Note added"
        elif action == "update":
            message = _send_update(request, case, version)
        elif action == "time":
            event = case_record_time(
                case=case,
                actor=StaffActor(request.user),
                minutes=post.get("minutes", ""),
                note=post.get("time_note", ""),
                letter=post.get("letter") == "yes",
                expected_version=version,
            )
            message = event.headline[:1].upper() + event.headline[1:]
        elif action == "duplicate":
            typed = post.get("original_reference", "").strip()
            original = _other_case(request, typed or post.get("original", ""), field="original")
            case_mark_duplicate(
                case=case,
                original=original,
                actor=StaffActor(request.user),
                expected_version=version,
            )
            case.refresh_from_db()
            message = f"Closed as a duplicate of {case.duplicate_of.reference}"
        elif action == "link":
            other = _other_case(request, post.get("other_reference", ""), field="other_reference")
            case_link(
                case=case,
                other=other,
                actor=StaffActor(request.user),
                reason=post.get("link_reason", ""),
                expected_version=version,
            )
            message = f"Linked to {other.reference}"
        elif action == "unlink":
            other = _other_case(request, post.get("other", ""), field="links")
            case_unlink(
                case=case, other=other, actor=StaffActor(request.user), expected_version=version
            )
            message = f"No longer linked to {other.reference}"
        elif action == "transfer":
            chosen = post.get("team", "")
            team = Team.objects.filter(pk=chosen).first() if chosen.isdigit() else None
            case = case_transfer(
                case=case,
                team=team,
                reason=post.get("transfer_reason", ""),
                actor=StaffActor(request.user),
                expected_version=version,
            )
            message = f"Transferred to the {team} team"
        else:
            raise Http404("No such action")
    except (TransitionRefused, CaseChanged) as error:
        field = _error_field(action, getattr(error, "field", ""))
        case = case_by_reference(case.reference)
        return _render_case(
            request,
            case,
            errors={field: str(error)},
            status=409 if isinstance(error, CaseChanged) else 200,
            entered=post,
        )
    messages.success(request, message)
    if action == "transfer" and not can_see_case(request.user, case):
        return redirect("hub:cases")  # the case has left the only team this officer sees
    return redirect("hub:case", reference=case.reference)


_ERROR_FIELDS = {
    "assign": "assignee",
    "status": "status",
    "priority": "priority",
    "note": "text",
    "update": "update_status",
    "duplicate": "original_reference",
    "link": "other_reference",
    "unlink": "links",
    "transfer": "team",
    "time": "minutes",
}
_ERROR_FIELDS_BY_INPUT = {
    ("update", "text"): "update_text",
    ("link", "reason"): "link_reason",
    ("transfer", "reason"): "transfer_reason",
    ("time", "time_note"): "time_note",
    ("duplicate", "original"): "original_reference",
}


def _error_field(action: str, field: str) -> str:
    """The id of the input an error message belongs to (the error summary links to it)."""
    return _ERROR_FIELDS_BY_INPUT.get((action, field), _ERROR_FIELDS[action])


def _other_case(request, reference: str, *, field: str):
    """Another case named in a form, which this member of staff must be able to see."""
    if not reference.strip():
        raise TransitionRefused("Enter a case reference", field=field)
    other = case_by_reference(reference)
    # A case of a team this person cannot see is answered as if it did not exist.
    if other is None or not can_see_case(request.user, other):
        raise TransitionRefused(
            f"There is no case you can see with the reference {reference.strip()[:20]}",
            field=field,
        )
    return other


def _send_update(request, case, version) -> str:
    post = request.POST
    template = None
    if post.get("template", "").isdigit():
        template = next(
            (t for t in response_templates_for_case(case) if t.pk == int(post["template"])), None
        )
    # The form offers the workflow's next states; API-style base statuses are accepted too.
    to_status = post.get("update_status", "")
    target = case.service.flow.state(to_status) if to_status else None
    if to_status and target is None and to_status not in Status.values:
        raise TransitionRefused("Choose a status from the list")
    case_send_update(
        case=case,
        text=post.get("update_text", ""),
        actor=StaffActor(request.user),
        to_status=to_status,
        resolution=post.get("update_resolution", ""),
        template=template,
        expected_version=version,
    )
    if target is not None and target.key != case.current_state.key:
        return f"Update sent and status changed to {target.label.lower()}"
    if to_status in Status.values and to_status != case.status:
        return f"Update sent and status changed to {Status(to_status).label.lower()}"
    return "Update sent to the resident"


def _audited_download(request, *, path: str, name: str, content_type: str, object_id, summary):
    """Hand staff a resident's file from a case, writing who opened it to the audit log."""
    if not default_storage.exists(path):
        raise Http404("The file is no longer kept")
    audit_record(
        actor=request.user,
        action="viewed",
        object_type="case_attachment",
        object_id=object_id,
        summary=summary,
    )
    return FileResponse(
        default_storage.open(path, "rb"),
        as_attachment=True,
        filename=name,
        content_type=content_type,
    )


@staff_required
def case_attachment(request, reference: str, question_id: str):
    """Download a file the resident gave with their request. Audited."""
    case = _case_or_404(request, reference)
    attachment = next((a for a in case_attachments(case) if a["question_id"] == question_id), None)
    if attachment is None:
        raise Http404("No such file")
    return _audited_download(
        request,
        path=case.answers[question_id]["path"],
        name=attachment["name"],
        content_type=attachment["content_type"],
        object_id=f"{case.pk}:{question_id}",
        summary=f"file {question_id} of case {case.reference}",
    )


@staff_required
def case_event_file(request, reference: str, event_id: int):
    """Download a file the resident added to their request later. Audited."""
    case = _case_or_404(request, reference)
    event = case.events.filter(pk=event_id).first()
    attachment = event.data.get("attachment") if event else None
    if not attachment:
        raise Http404("No such file")
    return _audited_download(
        request,
        path=attachment["path"],
        name=attachment["name"],
        content_type=attachment["content_type"],
        object_id=f"{case.pk}:event-{event.pk}",
        summary=f"file added by the resident to case {case.reference}",
    )


# --- Response templates -----------------------------------------------------------------


def _template_teams(request):
    team_ids = template_team_ids(request.user)
    teams = Team.objects.order_by("name")
    return teams if team_ids is None else teams.filter(pk__in=team_ids)


def _manager_required(request):
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
            "services": Service.objects.filter(team__in=teams).order_by("name"),
            "statuses": Status.choices,
            "placeholders": PLACEHOLDERS,
            "errors": errors or {},
            "form_has_errors": bool(errors),
            "entered": entered or {},
        },
        status=status,
    )


def _template_save(request, template=None):
    post = request.POST
    errors = {}
    team = (
        _template_teams(request).filter(pk=post["team"]).first()
        if post.get("team", "").isdigit()
        else None
    )
    if team is None:
        errors["team"] = "Choose a team"
    service = None
    if post.get("service", ""):
        service = (
            Service.objects.filter(pk=post["service"]).first()
            if post["service"].isdigit()
            else None
        )
        if service is None:
            errors["service"] = "Choose a service from the list"
    if team is not None:
        try:
            template = response_template_save(
                actor=StaffActor(request.user),
                team=team,
                service=service,
                status=post.get("status", ""),
                title=post.get("title", ""),
                body=post.get("body", ""),
                template=template,
            )
        except TemplateInvalid as invalid:
            errors.update(invalid.errors)
    if errors:
        ordered = {
            key: errors[key]
            for key in ("team", "service", "status", "title", "body")
            if key in errors
        }
        return _template_form(request, template, errors=ordered, entered=post)
    messages.success(request, f"Template {template.title!r} saved")
    return redirect("hub:templates")


@staff_required
def template_create(request):
    _manager_required(request)
    if request.method == "POST":
        return _template_save(request)
    return _template_form(request)


def _template_or_404(request, template_id: int) -> ResponseTemplate:
    template = ResponseTemplate.objects.select_related("team").filter(pk=template_id).first()
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
