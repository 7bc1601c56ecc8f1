"""Reads of API clients for the hub's pages (admins only; the pages check who may look)."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import ApiClient


def clients_list() -> QuerySet[ApiClient]:
    """Every client with its team, active ones first, then by name."""
    return ApiClient.objects.select_related("team").order_by("-is_active", "name")


def clients_active() -> QuerySet[ApiClient]:
    """Clients whose keys work (subject to expiry), by name: those a webhook may be for."""
    return ApiClient.objects.filter(is_active=True).order_by("name")


def client_get(client_id, *, active_only: bool = False) -> ApiClient | None:
    """The client with this id (``None`` if there is none, or it is deactivated and
    ``active_only``). Ids typed into a form that are not numbers find nothing."""
    if not str(client_id).isdigit():
        return None
    clients = ApiClient.objects.filter(is_active=True) if active_only else ApiClient.objects
    return clients.filter(pk=client_id).first()
