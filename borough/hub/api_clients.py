"""API clients in the hub: admins create keys for other systems and deactivate them.

The key is shown once, on the page that answers the creation, and never again (only its hash
is kept), so that page is not cached and the key is not put in the session or a message.
"""

from __future__ import annotations

from typing import TypedDict

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from borough.accounts.models import Team
from borough.accounts.policies import can_manage_api_clients
from borough.accounts.reauth import fresh_sign_in_required
from borough.clients.models import Scope
from borough.clients.selectors import client_get, clients_list
from borough.clients.services import ApiClientInvalid, api_client_create, api_client_deactivate
from borough.core.actors import StaffActor

from .access import staff_required


class _Entered(TypedDict):
    """What the form was filled in with, to show it again."""

    name: str
    team: str
    scopes: list[str]
    rate_limit: str
    expires_on: str


def _admin_required(request) -> None:
    if not can_manage_api_clients(request.user):
        raise PermissionDenied


@staff_required
def api_clients(request):
    _admin_required(request)
    return render(
        request, "hub/api_clients.html", {"clients": clients_list(), "now": timezone.now()}
    )


@never_cache
@staff_required
@fresh_sign_in_required
def api_client_new(request):
    _admin_required(request)
    errors: dict[str, str] = {}
    entered: _Entered = {"name": "", "team": "", "scopes": [], "rate_limit": "", "expires_on": ""}
    if request.method == "POST":
        entered = {
            "name": request.POST.get("name", ""),
            "team": request.POST.get("team", ""),
            "scopes": request.POST.getlist("scopes"),
            "rate_limit": request.POST.get("rate_limit", ""),
            "expires_on": request.POST.get("expires_on", "").strip(),
        }
        team = None
        if entered["team"]:
            team = (
                Team.objects.filter(pk=entered["team"]).first()
                if entered["team"].isdigit()
                else None
            )
            if team is None:
                errors["team"] = "Choose a team from the list"
        try:
            if errors:
                raise ApiClientInvalid(errors)
            created = api_client_create(
                name=entered["name"],
                scopes=entered["scopes"],
                team=team,
                rate_limit=entered["rate_limit"],
                expires_on=entered["expires_on"],
                actor=StaffActor(request.user),
            )
        except ApiClientInvalid as invalid:
            errors = {**errors, **invalid.errors}
        else:
            return render(
                request,
                "hub/api_client_created.html",
                {"client": created.client, "raw_key": created.raw_key},
            )
    return render(
        request,
        "hub/api_client_form.html",
        {
            "errors": errors,
            "entered": entered,
            "teams": Team.objects.order_by("name"),
            "scopes": Scope.choices,
        },
        status=400 if errors else 200,
    )


@staff_required
@fresh_sign_in_required
def api_client_deactivate_view(request, client_id: int):
    _admin_required(request)
    client = client_get(client_id)
    if client is None:
        raise Http404
    if request.method == "POST":
        api_client_deactivate(client=client, actor=StaffActor(request.user))
        messages.success(request, f"{client.name} can no longer use its key")
        return redirect("hub:api_clients")
    return render(request, "hub/api_client_deactivate.html", {"client": client})
