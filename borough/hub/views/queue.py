"""The work queue: cases of the teams this member of staff may see, filtered, searched and
sorted, with their saved views and, for those who work cases, bulk actions."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.decorators.http import require_POST

from borough.accounts.policies import view_share_team_ids, visible_team_ids, work_team_ids
from borough.cases.bulk import BulkResult, cases_bulk_assign, cases_bulk_transition
from borough.cases.errors import TransitionRefused
from borough.cases.lists import case_ids, case_rows
from borough.cases.models import Priority, Resolution, Status
from borough.cases.selectors import sla_at_risk_until
from borough.core.actors import StaffActor
from borough.places.selectors import ward_list
from borough.processes.policies import task_team_slugs
from borough.processes.selectors import waiting_tasks

from ..access import staff_required
from ..forms import BackToQueueForm, BulkForm, first_error
from ..selectors import (
    bulk_assignees,
    queue_filters,
    queue_query,
    queue_services,
    saved_views_for,
    share_teams,
    teams,
)

PAGE_SIZE = 50
COUNT_CAP = 10_000

SORT_CHOICES = [
    ("urgent", "Most urgent first"),
    ("due", "Due date, soonest first"),
    ("priority", "Priority, highest first"),
    ("newest", "Received, newest first"),
    ("oldest", "Received, oldest first"),
]


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
        return self._get_page(  # type: ignore[attr-defined]  # Paginator's, not in the stub
            [rows[pk] for pk in chosen if pk in rows], number, self
        )


def waiting_task_count(team_slugs) -> int:
    return waiting_tasks(team_slugs, limit=None).count()


def _queue_context(request) -> dict:
    """Everything the queue page shows, in a number of queries that does not grow with cases."""
    team_ids = visible_team_ids(request.user)
    filters, chosen_team = queue_filters(request.GET, team_ids=team_ids)
    paginator = CappedPaginator(filters, request.user, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    visible_teams = teams(team_ids)
    services = queue_services(team_ids)
    may_work = work_team_ids(request.user)
    can_bulk = may_work is None or bool(may_work)
    query = queue_query(filters, team=chosen_team)
    states: dict[str, str] = {}
    for service in services:
        for state in service.flow.states:
            states.setdefault(state.key, state.label)
    views = list(saved_views_for(request.user))
    context = {
        "page": page,
        "capped": paginator.capped,
        "count_cap": COUNT_CAP,
        "filters": filters,
        "team": chosen_team,
        "teams": visible_teams,
        "statuses": [
            ("open", "Any open status"),
            ("any", "Any status, closed too"),
            *Status.choices,
        ],
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
        "share_teams": share_teams(view_share_team_ids(request.user), visible_ids=team_ids),
        "can_bulk": can_bulk,
        "resolutions": Resolution.choices,
        "queue_messages": _messages_by_level(request),
        # Steps of automated processes waiting for a person of my teams (issue 19)
        "process_steps_waiting": waiting_task_count(task_team_slugs(request.user)),
    }
    if can_bulk:
        context["officers"] = bulk_assignees(may_work)
    return context


def _messages_by_level(request) -> dict[str, list[str]]:
    """Messages split for the queue: problems, successes, and the cases a bulk action skipped."""
    grouped: dict[str, list[str]] = {"error": [], "success": [], "warning": []}
    for message in messages.get_messages(request):
        grouped.get(message.level_tag, grouped["success"]).append(str(message))
    return grouped


@staff_required
def cases(request):
    """The work queue: cases of the teams this member of staff may see, filtered and sorted,
    with their saved views and, for those who work cases, bulk actions."""
    return render(request, "hub/cases.html", _queue_context(request))


def queue_filters_posted(request, form: BackToQueueForm) -> tuple:
    """The queue's filters a form was posted from, and the team chosen in them."""
    return queue_filters(
        QueryDict(form.cleaned_data.get("query") or ""),
        team_ids=visible_team_ids(request.user),
    )


def back_to_queue(request, form: BackToQueueForm) -> str:
    """The queue with the filters and page the form was posted from (never another site)."""
    filters, team = queue_filters_posted(request, form)
    query = queue_query(filters, team=team)
    page = form.cleaned_data.get("page")
    if page is not None and page != 1:
        query = f"{query}&page={page}" if query else f"page={page}"
    return reverse("hub:cases") + (f"?{query}" if query else "")


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


@staff_required
@require_POST
def cases_bulk(request):
    """Assign the chosen cases, or move them to a workflow state, one case at a time
    (``cases.bulk``: who may is the action's own question)."""
    form = BulkForm(request.POST)
    valid = form.is_valid()
    back = redirect(back_to_queue(request, form))
    if not valid:
        messages.error(request, first_error(form))
        return back
    data = form.cleaned_data
    actor = StaffActor(request.user)
    try:
        if data["action"] == "assign":
            assignee = data["assignee"]
            result = cases_bulk_assign(actor=actor, case_ids=data["case"], assignee=assignee)
            done = f"assigned to {assignee}" if assignee else "no longer assigned"
        else:
            result = cases_bulk_transition(
                actor=actor,
                case_ids=data["case"],
                to_state=data["to_state"],
                note=data["note"],
                resolution=data["resolution"],
            )
            done = "moved to the new status"
    except TransitionRefused as refused:
        messages.error(request, str(refused))
        return back
    _tell(request, result, done)
    return back


def _tell(request, result: BulkResult, done: str) -> None:
    """What a bulk action did: how many changed, each case skipped and why, and how many
    chosen could not be found."""
    if result.changed:
        count = len(result.changed)
        messages.success(request, f"{count} case{_plural(count, '', 's')} {done}")
    for reference, reason in result.skipped:
        messages.warning(request, f"{reference}: {reason}")
    if result.not_found:
        count = result.not_found
        messages.warning(
            request,
            f"{count} selected case{_plural(count, '', 's')} could not be found or "
            f"{_plural(count, 'is', 'are')} not one you can see",
        )
