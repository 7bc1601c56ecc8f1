"""Secrets kept before encryption at rest (ADR 0028) are encrypted by ``migrate``, and read back
the same."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from borough.accounts.mfa import totp_secret
from borough.integrations.models import Connector, WebhookSubscription
from tests.factories import StaffFactory
from tests.signing_in import TEST_TOTP_SECRET

BEFORE = [
    ("integrations", "0002_subscription_client_in_clients_app"),
    ("accounts", "0002_staff_email_addresses_verified"),
    ("mfa", "0003_authenticator_type_uniq"),
]


@pytest.mark.django_db(transaction=True)
def test_migrate_encrypts_the_secrets_already_kept():
    MigrationExecutor(connection).migrate(BEFORE)
    old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    now = timezone.now()
    client = old.get_model("clients", "ApiClient").objects.create(
        name="FMS", key_prefix="brgh_x", key_hash="0" * 64, scopes=[], created_at=now
    )
    old.get_model("integrations", "WebhookSubscription").objects.create(
        client=client,
        target_url="https://fms.example/hook",
        secret="whsec_plain-secret",
        secret_prefix="whsec_plain",
        event_types=[],
        created_at=now,
    )
    old.get_model("integrations", "Connector").objects.create(
        slug="repairs",
        name="Repairs",
        kind="json",
        credential="plain-token",
        signing_secret="",
        inbound_token_hash="1" * 64,
        created_at=now,
    )
    user = StaffFactory(email="officer@council.example")
    old.get_model("mfa", "Authenticator").objects.create(
        user_id=user.pk, type="totp", data={"secret": TEST_TOTP_SECRET}
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM integrations_webhooksubscription")
        raw = str(cursor.fetchall())
        cursor.execute("SELECT credential, signing_secret FROM integrations_connector")
        raw += str(cursor.fetchall())
        cursor.execute("SELECT data FROM mfa_authenticator")
        raw += str(cursor.fetchall())
    for secret in ("whsec_plain-secret", "plain-token", TEST_TOTP_SECRET):
        assert secret not in raw
    assert WebhookSubscription.objects.get().secret == "whsec_plain-secret"
    connector = Connector.objects.get()
    assert (connector.credential, connector.signing_secret) == ("plain-token", "")
    assert totp_secret(Authenticator.objects.get()) == TEST_TOTP_SECRET
