"""API clients moved from the ``api`` app to ``clients`` (ADR 0026): a database made before the
move keeps its clients, their idempotent responses and the webhook subscriptions pointing at
them when ``migrate`` runs."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from borough.clients.models import ApiClient, IdempotentResponse
from borough.integrations.models import WebhookSubscription

BEFORE_THE_MOVE = [
    ("api", "0002_idempotency_and_key_expiry"),
    ("integrations", "0001_webhooks_and_connectors"),
    ("clients", None),
]


@pytest.mark.django_db(transaction=True)
def test_an_existing_database_keeps_its_clients_when_they_move_to_the_clients_app():
    MigrationExecutor(connection).migrate(BEFORE_THE_MOVE)
    applied = [(app, name) for app, name in BEFORE_THE_MOVE if name]
    old = MigrationExecutor(connection).loader.project_state(applied).apps
    OldApiClient = old.get_model("api", "ApiClient")  # noqa: N806 (a model class)
    now = timezone.now()
    made = OldApiClient.objects.create(
        name="FixMyStreet",
        key_prefix="brgh_abcdefg",
        key_hash="0" * 64,
        scopes=["open311.post"],
        created_at=now,
    )
    old.get_model("api", "IdempotentResponse").objects.create(
        client=made, key="k1", fingerprint="f" * 64, status=201, body={"id": 1}, created_at=now
    )
    old.get_model("integrations", "WebhookSubscription").objects.create(
        client=made,
        target_url="https://fms.example/hook",
        secret="whsec_x",
        secret_prefix="whsec_x",
        event_types=["case.created"],
        created_at=now,
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    client = ApiClient.objects.get()
    assert (client.pk, client.name, client.scopes) == (made.pk, "FixMyStreet", ["open311.post"])
    assert IdempotentResponse.objects.get().client == client
    assert WebhookSubscription.objects.get().client == client
    assert list(client.webhook_subscriptions.all()) == list(WebhookSubscription.objects.all())
