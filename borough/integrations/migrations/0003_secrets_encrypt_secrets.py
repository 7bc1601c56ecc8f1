"""Webhook and connector secrets are kept encrypted (ADR 0028): the columns become
EncryptedTextField, and the secrets already kept are encrypted with the first of
BOROUGH_FIELD_ENCRYPTION_KEYS (reversing decrypts them again)."""

from django.db import migrations

import borough.core.encryption
from borough.core.encryption import encrypt_column

COLUMNS = [
    ("integrations_webhooksubscription", "secret"),
    ("integrations_connector", "credential"),
    ("integrations_connector", "signing_secret"),
]


def encrypt_secrets(apps, schema_editor):
    for table, column in COLUMNS:
        encrypt_column(schema_editor.connection, table, column)


def decrypt_secrets(apps, schema_editor):
    for table, column in COLUMNS:
        encrypt_column(schema_editor.connection, table, column, decrypting=True)


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0002_subscription_client_in_clients_app"),
    ]

    operations = [
        migrations.AlterField(
            model_name="connector",
            name="credential",
            field=borough.core.encryption.EncryptedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name="connector",
            name="signing_secret",
            field=borough.core.encryption.EncryptedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name="webhooksubscription",
            name="secret",
            field=borough.core.encryption.EncryptedTextField(),
        ),
        migrations.RunPython(encrypt_secrets, decrypt_secrets),
    ]
