"""Secrets are encrypted at rest with keys kept out of the database, and API keys are hashed
with a key of their own (ADR 0028): a database dump shows no secret, keys rotate, and a wrong
or missing key is a clear error."""

from __future__ import annotations

import hashlib
import hmac
import io

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from borough.accounts.mfa import authenticator_app_add, totp_code_now, totp_secret
from borough.clients.models import ApiClient, Scope
from borough.clients.services import AuthenticationFailed, api_client_authenticate
from borough.core.actors import StaffActor
from borough.core.encryption import DecryptionFailed, EncryptionKeyMissing, new_key
from borough.core.models import AuditEvent
from borough.integrations.models import Connector, WebhookSubscription
from borough.integrations.services import connector_create, subscription_create
from borough.integrations.webhooks import sign
from tests.factories import PASSWORD
from tests.signing_in import TEST_TOTP_SECRET

pytestmark = pytest.mark.django_db

OLD, NEW = new_key(), new_key()


def _raw(table: str, column: str, pk) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return str(cursor.fetchone()[0])


def _connector(admin, **details):
    return connector_create(
        name="Repairs system",
        kind="json",
        endpoint="https://repairs.example/cases",
        actor=StaffActor(admin),
        **details,
    ).connector


def test_no_secret_can_be_read_in_the_database_rows(subscribed, admin, waste_officer):
    subscription, _ = subscribed
    connector = _connector(admin, credential="bearer-token-abc123", signing_secret="sig-xyz789")
    app = authenticator_app_add(user=waste_officer, secret=TEST_TOTP_SECRET)

    raw_secret = _raw("integrations_webhooksubscription", "secret", subscription.pk)
    raw_connector = _raw("integrations_connector", "credential", connector.pk) + _raw(
        "integrations_connector", "signing_secret", connector.pk
    )
    raw_app = _raw("mfa_authenticator", "data", app.pk)
    assert subscription.secret.startswith("whsec_") and subscription.secret not in raw_secret
    assert "bearer-token-abc123" not in raw_connector and "sig-xyz789" not in raw_connector
    assert TEST_TOTP_SECRET not in raw_app
    assert raw_secret.startswith("fernet:") and "fernet:" in raw_app

    # Borough itself still reads them: what it signs and sends uses the real secrets.
    again = WebhookSubscription.objects.get(pk=subscription.pk)
    assert again.secret == subscription.secret
    assert sign(again.secret, b"{}", 1).endswith(
        hmac.new(subscription.secret.encode(), b"1.{}", hashlib.sha256).hexdigest()
    )
    connector = Connector.objects.get(pk=connector.pk)
    assert (connector.credential, connector.signing_secret) == ("bearer-token-abc123", "sig-xyz789")
    assert totp_secret(Authenticator.objects.get(pk=app.pk)) == TEST_TOTP_SECRET


def test_a_rotated_key_can_be_removed_after_rotate_encryption_key(
    settings, subscribed, waste_officer, client
):
    settings.BOROUGH_FIELD_ENCRYPTION_KEYS = [OLD]
    subscription, _ = subscribed
    subscription.save()  # encrypted with OLD
    app = authenticator_app_add(user=waste_officer, secret=TEST_TOTP_SECRET)
    before = _raw("integrations_webhooksubscription", "secret", subscription.pk)

    settings.BOROUGH_FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    call_command("rotate_encryption_key", stdout=io.StringIO())
    assert _raw("integrations_webhooksubscription", "secret", subscription.pk) != before
    assert AuditEvent.objects.filter(object_type="encryption_keys").count() == 1

    settings.BOROUGH_FIELD_ENCRYPTION_KEYS = [NEW]  # the old key is gone
    assert WebhookSubscription.objects.get(pk=subscription.pk).secret == subscription.secret
    assert totp_secret(Authenticator.objects.get(pk=app.pk)) == TEST_TOTP_SECRET
    # A staff member signs in with their authenticator app as before.
    client.post("/account/login/", {"login": waste_officer.email, "password": PASSWORD})
    response = client.post("/account/2fa/authenticate/", {"code": totp_code_now(TEST_TOTP_SECRET)})
    assert response.status_code == 302 and response["Location"] == "/hub/"


def test_a_wrong_key_is_a_clear_error_not_garbage(settings, subscribed):
    subscription, _ = subscribed
    settings.BOROUGH_FIELD_ENCRYPTION_KEYS = [new_key()]  # not the key that encrypted it
    with pytest.raises(DecryptionFailed, match="cannot be decrypted with any key"):
        WebhookSubscription.objects.get(pk=subscription.pk)
    with pytest.raises(CommandError, match="Nothing was changed"):
        call_command("rotate_encryption_key")


def test_a_missing_or_malformed_key_is_a_clear_error_and_nothing_is_written(
    settings, api_client, admin
):
    for keys, message in (([], "is not set"), (["not-a-key"], "is not a Fernet key")):
        settings.BOROUGH_FIELD_ENCRYPTION_KEYS = keys
        with pytest.raises(EncryptionKeyMissing, match=message):
            subscription_create(
                client=api_client,
                target_url="https://x.example/",
                event_types=["case.created"],
                actor=StaffActor(admin),
            )
    assert not WebhookSubscription.objects.exists()


def test_rotating_the_secret_key_leaves_api_keys_working(settings, new_api_client):
    key = new_api_client(Scope.CASES_READ).raw_key
    stored = ApiClient.objects.get().key_hash
    old_secret_key = settings.SECRET_KEY
    assert stored != hmac.new(old_secret_key.encode(), key.encode(), hashlib.sha256).hexdigest()

    settings.SECRET_KEY = "a-brand-new-secret-key-" + "z" * 40
    assert api_client_authenticate(key, Scope.CASES_READ).name


def test_the_api_key_hash_key_rotates_keeping_old_hashes_until_they_are_used(
    settings, new_api_client
):
    settings.BOROUGH_API_KEY_HASH_KEYS = ["first-hash-key-" + "a" * 40]
    key = new_api_client(Scope.CASES_READ).raw_key

    settings.BOROUGH_API_KEY_HASH_KEYS = [
        "second-hash-key-" + "b" * 40,
        "first-hash-key-" + "a" * 40,
    ]
    assert api_client_authenticate(key, Scope.CASES_READ)  # found with the old key, rehashed

    settings.BOROUGH_API_KEY_HASH_KEYS = ["second-hash-key-" + "b" * 40]
    assert api_client_authenticate(key, Scope.CASES_READ)
    settings.BOROUGH_API_KEY_HASH_KEYS = ["third-hash-key-" + "c" * 40]
    with pytest.raises(AuthenticationFailed):
        api_client_authenticate(key, Scope.CASES_READ)


def test_keys_hashed_with_the_secret_key_before_adr_0028_work_while_it_is_listed(
    settings, new_api_client
):
    key = new_api_client(Scope.CASES_READ).raw_key
    legacy = hmac.new(settings.SECRET_KEY.encode(), key.encode(), hashlib.sha256).hexdigest()
    ApiClient.objects.update(key_hash=legacy)  # as Borough stored it before
    settings.BOROUGH_API_KEY_HASH_KEYS = ["new-hash-key-" + "d" * 40, settings.SECRET_KEY]
    assert api_client_authenticate(key, Scope.CASES_READ)
    assert ApiClient.objects.get().key_hash != legacy  # now hashed with the new key
