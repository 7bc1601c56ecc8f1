"""The seeds of authenticator apps and recovery codes set up before encryption at rest are
encrypted with the first of BOROUGH_FIELD_ENCRYPTION_KEYS (ADR 0028)."""

from django.db import migrations

from borough.accounts.keys import authenticators_encrypt


def encrypt_authenticators(apps, schema_editor):
    authenticators_encrypt(apps.get_model("mfa", "Authenticator"))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_staff_email_addresses_verified"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [
        migrations.RunPython(encrypt_authenticators, migrations.RunPython.noop),
    ]
