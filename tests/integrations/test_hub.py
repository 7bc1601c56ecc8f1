"""The hub's webhook and connector pages: admins only; secrets shown once; the delivery log
and its audited replay; routing a service to a connector."""

from __future__ import annotations

import pytest
from django.test import Client

from borough.accounts.models import Role, Team
from borough.core.actors import StaffActor
from borough.core.models import AuditEvent
from borough.integrations.models import Connector, Delivery, ServiceRoute, WebhookSubscription
from borough.integrations.services import subscription_create

from ..factories import StaffFactory


@pytest.fixture
def admin_client(admin, staff_login):
    client = Client()
    staff_login(client, admin)
    return client


def test_admin_subscribes_a_client_and_sees_the_secret_once(admin_client, api_client):
    page = admin_client.get("/hub/webhooks/new/")
    assert page.status_code == 200
    response = admin_client.post(
        "/hub/webhooks/new/",
        {
            "client": api_client.pk,
            "target_url": "https://backoffice.example/events",
            "event_types": ["case.created", "case.closed"],
        },
    )
    assert response.status_code == 200
    subscription = WebhookSubscription.objects.get()
    assert subscription.secret in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")
    assert subscription.event_types == ["case.created", "case.closed"]
    listing = admin_client.get("/hub/webhooks/").content.decode()
    detail = admin_client.get(f"/hub/webhooks/{subscription.pk}/").content.decode()
    assert "https://backoffice.example/events" in listing
    assert subscription.secret not in listing + detail
    assert subscription.secret_prefix in detail


def test_bad_subscription_is_refused_with_errors_and_saves_nothing(admin_client, api_client):
    response = admin_client.post(
        "/hub/webhooks/new/", {"client": "", "target_url": "ftp://x", "event_types": []}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Choose an active API client" in text
    assert "Enter a URL starting with https://" in text
    assert "Choose at least one kind of event" in text
    assert not WebhookSubscription.objects.exists()


def test_delivery_log_shows_tries_and_replay_is_audited(
    admin_client, admin, api_client, make_case, receiver, committed, django_assert_max_num_queries
):
    subscription = subscription_create(
        client=api_client,
        target_url=receiver.url,
        event_types=["case.created"],
        actor=StaffActor(admin),
    ).subscription
    receiver.answers = [(503, "down")]
    with committed():
        make_case()
        make_case(uprn=100021500002)
    with django_assert_max_num_queries(20):
        page = admin_client.get(f"/hub/webhooks/{subscription.pk}/")
    text = page.content.decode()
    assert "HTTP 503" in text and "Delivered" in text and "Waiting" in text
    delivered = Delivery.objects.get(status=Delivery.Status.DELIVERED)
    pending = Delivery.objects.get(status=Delivery.Status.PENDING)

    refused = admin_client.post(f"/hub/webhooks/deliveries/{pending.pk}/replay/", follow=True)
    assert "still being retried" in refused.content.decode()
    before = len(receiver.requests)
    with committed():
        response = admin_client.post(f"/hub/webhooks/deliveries/{delivered.pk}/replay/")
    assert response.status_code == 302
    assert len(receiver.requests) == before + 1
    assert receiver.requests[-1]["headers"]["Borough-Replay"] == "1"
    assert AuditEvent.objects.filter(
        object_type="webhook_delivery", object_id=str(delivered.pk), summary="replayed", actor=admin
    ).exists()
    assert admin_client.get(f"/hub/webhooks/deliveries/{delivered.pk}/replay/").status_code == 405


def test_pause_and_resume(admin_client, admin, api_client):
    subscription = subscription_create(
        client=api_client,
        target_url="https://x.example/",
        event_types=["case.created"],
        actor=StaffActor(admin),
    ).subscription
    admin_client.post(f"/hub/webhooks/{subscription.pk}/active/", {"active": "0"})
    subscription.refresh_from_db()
    assert not subscription.is_active
    admin_client.post(f"/hub/webhooks/{subscription.pk}/active/", {"active": "1"})
    subscription.refresh_from_db()
    assert subscription.is_active


def test_admin_adds_a_connector_and_routes_a_service(admin_client, missed_bin):
    response = admin_client.post(
        "/hub/connectors/new/",
        {
            "name": "Waste system",
            "kind": "json",
            "endpoint": "https://waste.example/cases",
            "credential": "their-bearer-token",
            "status_map": "done = closed:fixed",
        },
    )
    assert response.status_code == 200
    connector = Connector.objects.get()
    text = response.content.decode()
    assert "bcin_" in text and "/integrations/inbound/waste-system/" in text
    assert "their-bearer-token" not in text
    detail = admin_client.get(f"/hub/connectors/{connector.pk}/").content.decode()
    assert "their-bearer-token" not in detail and "done → closed:fixed" in detail

    routed = admin_client.post(
        "/hub/connectors/routes/", {"service": missed_bin.pk, "connector": connector.pk}
    )
    assert routed.status_code == 302
    assert ServiceRoute.objects.get(service=missed_bin).connector == connector
    assert "Waste system" in admin_client.get("/hub/connectors/").content.decode()

    bad = admin_client.post(
        "/hub/connectors/routes/",
        {"service": missed_bin.pk, "connector": connector.pk, "fixed_attributes": "no equals"},
    )
    assert bad.status_code == 400 and "Line 1 must look like" in bad.content.decode()
    unrouted = admin_client.post(
        "/hub/connectors/routes/", {"service": missed_bin.pk, "connector": ""}
    )
    assert unrouted.status_code == 302
    assert not ServiceRoute.objects.exists()


def test_bad_connector_is_refused_and_saves_nothing(admin_client):
    response = admin_client.post(
        "/hub/connectors/new/", {"name": "", "kind": "open311", "endpoint": "not a url"}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Enter a name" in text and "Enter a URL" in text and "api_key" in text
    assert not Connector.objects.exists()


def test_only_admins_manage_webhooks_and_connectors(
    catalogue, subscribed, api_client, missed_bin, staff_login
):
    subscription, connector = subscribed
    for role in (Role.TEAM_LEAD, Role.OFFICER, Role.AGENT):
        _refused_everything(role, subscription, connector, api_client, missed_bin, staff_login)
    subscription.refresh_from_db()
    connector.refresh_from_db()
    assert subscription.is_active and connector.is_active
    assert WebhookSubscription.objects.count() == 1 and Connector.objects.count() == 1
    assert not ServiceRoute.objects.exists()


def _refused_everything(role, subscription, connector, api_client, missed_bin, staff_login):
    user = StaffFactory(membership__team=Team.objects.get(slug="waste"), membership__role=role)
    client = Client()
    staff_login(client, user)
    for path in (
        "/hub/webhooks/",
        "/hub/webhooks/new/",
        f"/hub/webhooks/{subscription.pk}/",
        "/hub/connectors/",
        "/hub/connectors/new/",
        f"/hub/connectors/{connector.pk}/",
    ):
        assert client.get(path).status_code == 403, path
    posts = {
        "/hub/webhooks/new/": {"client": api_client.pk, "target_url": "https://y.example/"},
        f"/hub/webhooks/{subscription.pk}/active/": {"active": "0"},
        "/hub/connectors/new/": {"name": "Sneaky", "kind": "email", "email": "a@b.example"},
        "/hub/connectors/routes/": {"service": missed_bin.pk, "connector": connector.pk},
        f"/hub/connectors/{connector.pk}/active/": {"active": "0"},
    }
    for path, data in posts.items():
        assert client.post(path, data).status_code == 403, path
    assert "Webhooks" not in client.get("/hub/").content.decode()
