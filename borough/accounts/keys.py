"""Secrets encrypted at rest (ADR 0028), all of them at once: the seeds of authenticator apps
and recovery codes (allauth keeps them in ``Authenticator.data``, encrypted through
``MFAAdapter.encrypt``) and every ``EncryptedTextField`` of every app.

``encryption_keys_rotate`` encrypts each again with the first of
BOROUGH_FIELD_ENCRYPTION_KEYS; after it the other keys can be removed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from allauth.mfa.models import Authenticator
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction

from borough.core.actors import Actor, SystemActor
from borough.core.encryption import EncryptedTextField, encrypt, is_encrypted, reencrypt
from borough.core.models import AuditEvent
from borough.core.services import audit_record

# The parts of Authenticator.data allauth passes through encrypt() and decrypt(), by type.
AUTHENTICATOR_SECRETS = {"totp": ("secret",), "recovery_codes": ("seed", "migrated_codes")}


def authenticator_data_with(data: dict, kind: str, change: Callable[[str], str]) -> dict:
    """``data`` of an authenticator of type ``kind`` with ``change`` applied to each secret."""
    new = dict(data)
    for name in AUTHENTICATOR_SECRETS.get(kind, ()):
        value = new.get(name)
        if isinstance(value, str) and value:
            new[name] = change(value)
        elif isinstance(value, list):
            new[name] = [change(item) for item in value]
    return new


def encrypt_if_plain(value: str) -> str:
    return value if is_encrypted(value) else encrypt(value)


def authenticators_encrypt(model=Authenticator) -> int:
    """Encrypt the secrets of authenticators set up before encryption at rest (a migration
    passes its historical model). Returns how many changed."""
    changed = 0
    for authenticator in model.objects.all():
        data = authenticator_data_with(authenticator.data, authenticator.type, encrypt_if_plain)
        if data != authenticator.data:
            model.objects.filter(pk=authenticator.pk).update(data=data)
            changed += 1
    return changed


@dataclass
class Rotated:
    """How many secrets were encrypted again, by where they are kept."""

    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _encrypted_columns() -> list[tuple[str, str, str]]:
    """(label, table, column) of every EncryptedTextField in every installed app."""
    return [
        (f"{model._meta.label}.{f.name}", model._meta.db_table, f.column)
        for model in apps.get_models()
        for f in model._meta.concrete_fields
        if isinstance(f, EncryptedTextField)
    ]


@transaction.atomic
def encryption_keys_rotate(*, actor: Actor) -> Rotated:
    """Encrypt every secret again with the first key. Only the system (the operator's
    ``manage.py rotate_encryption_key``) rotates keys. Raises ``DecryptionFailed``, changing
    nothing, if a secret cannot be decrypted with any key."""
    if not isinstance(actor, SystemActor):
        raise PermissionDenied
    rotated = Rotated()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for label, table, column in _encrypted_columns():
            cursor.execute(f"SELECT id, {quote(column)} FROM {quote(table)}")  # noqa: S608
            rows = [(pk, value) for pk, value in cursor.fetchall() if value]
            for pk, value in rows:
                cursor.execute(
                    f"UPDATE {quote(table)} SET {quote(column)} = %s WHERE id = %s",  # noqa: S608
                    [reencrypt(value), pk],
                )
            rotated.counts[label] = len(rows)
    count = 0
    for authenticator in Authenticator.objects.select_for_update():
        data = authenticator_data_with(authenticator.data, authenticator.type, reencrypt)
        if data != authenticator.data:
            Authenticator.objects.filter(pk=authenticator.pk).update(data=data)
            count += 1
    rotated.counts["mfa.Authenticator.data"] = count
    audit_record(
        actor=None,
        action=AuditEvent.Action.CHANGED,
        object_type="encryption_keys",
        object_id="-",
        summary=f"{rotated.total} secrets encrypted again with the first key ({actor})",
    )
    return rotated
