"""Saved views of the work queue: save the queue's filters under a name, rename or share a
view, delete it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from borough.accounts.policies import can_change_saved_view, view_share_team_ids
from borough.core.actors import StaffActor

from ..access import staff_required
from ..forms import EditViewForm, SaveViewForm
from ..selectors import queue_query, saved_view_get, teams_by_name
from ..services import SavedViewInvalid, saved_view_create, saved_view_delete, saved_view_update
from .queue import back_to_queue, queue_filters_posted


def _saved_view_or_404(request, view_id: int):
    view = saved_view_get(request.user, view_id)
    if view is None:
        raise Http404("No such saved view")
    if not can_change_saved_view(request.user, view):
        raise PermissionDenied
    return view


@staff_required
@require_POST
def saved_view_save(request):
    """Save the queue's current filters under a name (and share with a team, for team leads)."""
    form = SaveViewForm(request.POST)
    form.is_valid()  # every field is optional: the service says what is missing
    filters, team = queue_filters_posted(request, form)
    try:
        view = saved_view_create(
            actor=StaffActor(request.user),
            name=form.cleaned_data["name"],
            query=queue_query(filters, team=team),
            team=form.cleaned_data["team"],
        )
    except SavedViewInvalid as invalid:
        for error in invalid.errors.values():
            messages.error(request, error)
    else:
        messages.success(request, f"View saved: {view.name}")
    return redirect(back_to_queue(request, form))


@staff_required
def saved_view_edit(request, view_id: int):
    """Rename a saved view, or share it with a team or stop sharing it."""
    view = _saved_view_or_404(request, view_id)
    errors, entered = {}, {"name": view.name, "team": view.team_id}
    if request.method == "POST":
        form = EditViewForm(request.POST)
        form.is_valid()  # every field is optional: the service says what is missing
        team = form.cleaned_data["team"]
        entered = {"name": form.cleaned_data["name"], "team": team.pk if team else None}
        try:
            saved_view_update(
                actor=StaffActor(request.user), view=view, name=entered["name"], team=team
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
            "share_teams": teams_by_name(view_share_team_ids(request.user)),
        },
        status=400 if errors else 200,
    )


@staff_required
def saved_view_remove(request, view_id: int):
    """Ask, then delete a saved view."""
    view = _saved_view_or_404(request, view_id)
    if request.method == "POST":
        name = view.name
        saved_view_delete(actor=StaffActor(request.user), view=view)
        messages.success(request, f"View deleted: {name}")
        return redirect("hub:cases")
    return render(request, "hub/saved_view_delete.html", {"view": view})
