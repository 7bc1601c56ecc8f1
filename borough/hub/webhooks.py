"""Webhooks and connectors in the hub: admins subscribe API clients to case events, read the
delivery log and replay a delivery; add connectors to back-office systems and route services
to them.

Secrets (a subscription's signing secret, a connector's inbound token) are shown once, on the
page that answers the creation, which is not cached.
"""

from __future__ import annotations

from typing import TypedDict

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from borough.accounts.policies import can_manage_integrations
from borough.accounts.reauth import fresh_sign_in_required
from borough.catalogue.models import Service
from borough.clients.selectors import client_get, clients_active
from borough.core.actors import StaffActor
from borough.integrations import selectors
from borough.integrations.models import Connector, Delivery, EventType
from borough.integrations.services import (
    IntegrationInvalid,
    connector_create,
    connector_set_active,
    delivery_replay,
    route_set,
    subscription_create,
    subscription_set_active,
)

from .access import staff_required


class _Entered(TypedDict):
    """What the form was filled in with, to show it again."""

    client: str
    target_url: str
    event_types: list[str]


def _admin_required(request) -> None:
    if not can_manage_integrations(request.user):
        raise PermissionDenied


# ------------------------------------------------------------------------------ webhooks


@staff_required
def webhooks(request):
    _admin_required(request)
    return render(request, "hub/webhooks.html", {"subscriptions": selectors.subscriptions_list()})


@never_cache
@staff_required
@fresh_sign_in_required
def webhook_new(request):
    _admin_required(request)
    errors: dict[str, str] = {}
    entered: _Entered = {"client": "", "target_url": "", "event_types": list(EventType.values)}
    if request.method == "POST":
        entered = {
            "client": request.POST.get("client", ""),
            "target_url": request.POST.get("target_url", ""),
            "event_types": request.POST.getlist("event_types"),
        }
        client = client_get(entered["client"], active_only=True)
        try:
            created = subscription_create(
                client=client,
                target_url=entered["target_url"],
                event_types=entered["event_types"],
                actor=StaffActor(request.user),
            )
        except IntegrationInvalid as invalid:
            errors = invalid.errors
        else:
            return render(
                request,
                "hub/webhook_created.html",
                {"subscription": created.subscription, "secret": created.secret},
            )
    return render(
        request,
        "hub/webhook_form.html",
        {
            "errors": errors,
            "entered": entered,
            "clients": clients_active(),
            "event_types": EventType.choices,
        },
        status=400 if errors else 200,
    )


@staff_required
@fresh_sign_in_required
def webhook_detail(request, subscription_id: int):
    _admin_required(request)
    subscription = selectors.subscription_get(subscription_id)
    if subscription is None:
        raise Http404
    status = request.GET.get("status", "")
    return render(
        request,
        "hub/webhook.html",
        {
            "subscription": subscription,
            "deliveries": selectors.delivery_log(subscription, status=status),
            "status": status if status in Delivery.Status.values else "",
            "statuses": Delivery.Status.choices,
        },
    )


@require_POST
@staff_required
@fresh_sign_in_required
def webhook_active(request, subscription_id: int):
    _admin_required(request)
    subscription = selectors.subscription_get(subscription_id)
    if subscription is None:
        raise Http404
    active = request.POST.get("active") == "1"
    subscription_set_active(
        subscription=subscription, active=active, actor=StaffActor(request.user)
    )
    messages.success(
        request,
        "Events are being sent again" if active else "Paused: events wait until you resume",
    )
    return redirect("hub:webhook", subscription_id=subscription.pk)


@require_POST
@staff_required
@fresh_sign_in_required
def webhook_replay(request, delivery_id: int):
    _admin_required(request)
    delivery = selectors.delivery_get(delivery_id)
    if delivery is None:
        raise Http404
    try:
        delivery_replay(delivery=delivery, actor=StaffActor(request.user))
    except IntegrationInvalid as invalid:
        messages.error(request, invalid.errors["delivery"])
    else:
        messages.success(request, f"Event {delivery.event_id} is being sent again")
    return redirect("hub:webhook", subscription_id=delivery.subscription_id)


# ------------------------------------------------------------------------------ connectors


@staff_required
def connectors(request):
    _admin_required(request)
    return render(request, "hub/connectors.html", _connectors_context())


def _connectors_context(**extra) -> dict:
    routes = list(selectors.routes_list())
    routed = {route.service_id for route in routes}
    return {
        "connectors": selectors.connectors_list(),
        "routes": routes,
        "services": Service.objects.exclude(pk__in=routed).order_by("name"),
        "active_connectors": Connector.objects.filter(is_active=True).order_by("name"),
        "errors": {},
        "entered": {},
        **extra,
    }


@require_POST
@staff_required
@fresh_sign_in_required
def connector_route(request):
    _admin_required(request)
    entered = {
        "service": request.POST.get("service", ""),
        "connector": request.POST.get("connector", ""),
        "remote_service_code": request.POST.get("remote_service_code", ""),
        "fixed_attributes": request.POST.get("fixed_attributes", ""),
    }
    service = (
        Service.objects.filter(pk=entered["service"]).first()
        if entered["service"].isdigit()
        else None
    )
    connector = (
        Connector.objects.filter(pk=entered["connector"]).first()
        if entered["connector"].isdigit()
        else None
    )
    errors = {}
    if entered["connector"] and connector is None:
        errors["connector"] = "Choose a connector from the list"
    try:
        if errors:
            raise IntegrationInvalid(errors)
        route_set(
            service=service,
            connector=connector,
            remote_service_code=entered["remote_service_code"],
            fixed_attributes=entered["fixed_attributes"],
            actor=StaffActor(request.user),
        )
    except IntegrationInvalid as invalid:
        return render(
            request,
            "hub/connectors.html",
            _connectors_context(errors=invalid.errors, entered=entered),
            status=400,
        )
    assert service is not None  # route_set refuses no service
    if connector is None:
        messages.success(request, f"New {service.name} cases now stay in Borough only")
    else:
        messages.success(request, f"New {service.name} cases are now sent to {connector.name}")
    return redirect("hub:connectors")


@never_cache
@staff_required
@fresh_sign_in_required
def connector_new(request):
    _admin_required(request)
    errors: dict[str, str] = {}
    fields = ("name", "kind", "endpoint", "email", "status_map", "api_client")
    entered = {name: "" for name in fields}
    if request.method == "POST":
        entered = {name: request.POST.get(name, "") for name in fields}
        try:
            created = connector_create(
                **entered,
                credential=request.POST.get("credential", ""),
                signing_secret=request.POST.get("signing_secret", ""),
                actor=StaffActor(request.user),
            )
        except IntegrationInvalid as invalid:
            errors = invalid.errors
        else:
            return render(
                request,
                "hub/connector_created.html",
                {
                    "connector": created.connector,
                    "token": created.inbound_token,
                    "inbound_url": request.build_absolute_uri(
                        f"/integrations/inbound/{created.connector.slug}/"
                    ),
                },
            )
    return render(
        request,
        "hub/connector_form.html",
        {
            "errors": errors,
            "entered": entered,
            "kinds": Connector.Kind.choices,
            "api_clients": clients_active(),
        },
        status=400 if errors else 200,
    )


@staff_required
@fresh_sign_in_required
def connector_detail(request, connector_id: int):
    _admin_required(request)
    connector = selectors.connector_get(connector_id)
    if connector is None:
        raise Http404
    return render(
        request,
        "hub/connector.html",
        {
            "connector": connector,
            "handoffs": selectors.handoff_log(connector),
            "routes": connector.routes.select_related("service").order_by("service__name"),
        },
    )


@require_POST
@staff_required
@fresh_sign_in_required
def connector_active(request, connector_id: int):
    _admin_required(request)
    connector = selectors.connector_get(connector_id)
    if connector is None:
        raise Http404
    active = request.POST.get("active") == "1"
    connector_set_active(connector=connector, active=active, actor=StaffActor(request.user))
    messages.success(request, f"{connector.name} is {'on' if active else 'off'}")
    return redirect("hub:connector", connector_id=connector.pk)
