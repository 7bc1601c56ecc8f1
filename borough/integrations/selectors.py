"""Reads for the hub's webhook and connector pages (query counts do not grow with the rows)."""

from __future__ import annotations

from django.db.models import Count, Q

from .models import Connector, Delivery, Handoff, ServiceRoute, WebhookSubscription

LOG_LENGTH = 50


def subscriptions_list():
    """Every subscription with its client and counts of deliveries waiting and dead."""
    return (
        WebhookSubscription.objects.select_related("client")
        .annotate(
            waiting=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.PENDING)),
            dead=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.DEAD)),
        )
        .order_by("client__name", "target_url")
    )


def subscription_get(subscription_id: int) -> WebhookSubscription | None:
    return WebhookSubscription.objects.select_related("client").filter(pk=subscription_id).first()


def delivery_log(subscription: WebhookSubscription, *, status: str = "") -> list[Delivery]:
    """The latest deliveries of a subscription, newest first, with their case reference and
    tries (two queries)."""
    deliveries = Delivery.objects.filter(subscription=subscription).select_related(
        "event", "event__case"
    )
    if status in Delivery.Status.values:
        deliveries = deliveries.filter(status=status)
    return list(deliveries.prefetch_related("tries").order_by("-created_at", "-id")[:LOG_LENGTH])


def delivery_get(delivery_id: int) -> Delivery | None:
    return Delivery.objects.select_related("subscription").filter(pk=delivery_id).first()


def connectors_list():
    return Connector.objects.annotate(
        failed=Count("handoffs", filter=Q(handoffs__status=Handoff.Status.FAILED)),
        waiting=Count("handoffs", filter=Q(handoffs__status=Handoff.Status.PENDING)),
        sent=Count("handoffs", filter=Q(handoffs__status=Handoff.Status.SENT)),
    ).order_by("name")


def routes_list():
    return ServiceRoute.objects.select_related("service", "connector").order_by("service__name")


def connector_get(connector_id: int) -> Connector | None:
    return Connector.objects.filter(pk=connector_id).first()


def handoff_log(connector: Connector) -> list[Handoff]:
    """The latest cases sent (or being sent) to a connector, failures first."""
    return list(
        Handoff.objects.filter(connector=connector)
        .select_related("case")
        .order_by("status", "-created_at")[:LOG_LENGTH]
    )
