"""Every integrations action checks who is acting itself (ADR 0023, ADR 0026): called directly
with any actor but a staff admin, it is refused and writes nothing, whatever the caller."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from borough.clients.models import Scope
from borough.core.actors import ApiClientActor, ResidentActor, StaffActor, SystemActor
from borough.core.models import AuditEvent
from borough.integrations.models import (
    Connector,
    Delivery,
    OutboundEvent,
    ServiceRoute,
    WebhookSubscription,
)
from borough.integrations.services import (
    connector_create,
    connector_set_active,
    delivery_replay,
    route_set,
    subscription_create,
    subscription_set_active,
)

pytestmark = pytest.mark.django_db


def test_every_action_is_refused_to_any_actor_but_an_admin(
    subscribed, waste_officer, api_client, missed_bin, make_case
):
    subscription, connector = subscribed
    case = make_case()
    outbound = OutboundEvent.objects.create(
        type="case.created",
        case=case,
        case_event=case.events.get(),
        sequence=1,
        occurred_at=case.created_at,
    )
    delivery = Delivery.objects.create(
        subscription=subscription,
        event=outbound,
        case_id=case.pk,
        sequence=1,
        body="{}",
        created_at=case.created_at,
        status=Delivery.Status.DEAD,
    )
    audited = AuditEvent.objects.count()
    actions = {
        "subscription_create": lambda actor: subscription_create(
            client=api_client, target_url="https://y.example/", event_types=[], actor=actor
        ),
        "subscription_set_active": lambda actor: subscription_set_active(
            subscription=subscription, active=False, actor=actor
        ),
        "delivery_replay": lambda actor: delivery_replay(delivery=delivery, actor=actor),
        "connector_create": lambda actor: connector_create(
            name="Sneaky", kind="email", email="a@b.example", actor=actor
        ),
        "connector_set_active": lambda actor: connector_set_active(
            connector=connector, active=False, actor=actor
        ),
        "route_set": lambda actor: route_set(service=missed_bin, connector=connector, actor=actor),
    }
    for actor in (
        StaffActor(waste_officer),
        ApiClientActor(client_id=api_client.pk, name="x", scopes=frozenset(Scope.values)),
        ResidentActor(),
        SystemActor("a task"),
    ):
        for name, action in actions.items():
            with pytest.raises(PermissionDenied):
                action(actor)
                pytest.fail(f"{name} allowed {actor!r}")
    assert AuditEvent.objects.count() == audited
    assert WebhookSubscription.objects.get().is_active
    assert Connector.objects.get().is_active
    assert not ServiceRoute.objects.exists()
    assert Delivery.objects.get().status == Delivery.Status.DEAD
