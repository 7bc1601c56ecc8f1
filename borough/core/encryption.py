"""Secrets kept encrypted at rest (ADR 0028): webhook and connector secrets, the seeds of staff
authenticator apps.

Fernet (the ``cryptography`` package: AES-128-CBC with HMAC-SHA256, authenticated) under the
keys in ``settings.BOROUGH_FIELD_ENCRYPTION_KEYS``: the first encrypts, every one decrypts
(``MultiFernet``), so a key is rotated by putting a new one first, running
``manage.py rotate_encryption_key`` and then removing the old one. The keys are never in the
database. A stored value is ``fernet:`` followed by the token, so an encrypted value is told
from a value written before encryption (which the migrations encrypt).

``EncryptedTextField`` is a text field whose value is plain in Python and encrypted in the
database: code reading ``subscription.secret`` sees the secret, a database dump does not.
"""

from __future__ import annotations

import functools
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "fernet:"


class EncryptionKeyMissing(ImproperlyConfigured):
    """No key, or a key that is not a Fernet key, in BOROUGH_FIELD_ENCRYPTION_KEYS."""


class DecryptionFailed(ValueError):
    """A stored secret none of the keys opens: the key that encrypted it has been removed, the
    value was changed in the database, or it was never encrypted."""


@functools.lru_cache(maxsize=4)
def _multifernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise EncryptionKeyMissing(
            "BOROUGH_FIELD_ENCRYPTION_KEYS is not set: Borough cannot encrypt or read the "
            "secrets it keeps. Set it to one or more Fernet keys, comma-separated "
            "(docs/how-to/deploy.md, 'Keys and rotation')."
        )
    fernets = []
    for number, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key.encode()))
        except (ValueError, TypeError):
            raise EncryptionKeyMissing(
                f"Key {number} of BOROUGH_FIELD_ENCRYPTION_KEYS is not a Fernet key (32 bytes, "
                "URL-safe base64: make one with `manage.py rotate_encryption_key --new-key`)"
            ) from None
    return MultiFernet(fernets)


def _keys() -> MultiFernet:
    return _multifernet(tuple(k.strip() for k in settings.BOROUGH_FIELD_ENCRYPTION_KEYS if k))


def new_key() -> str:
    """A new random key for BOROUGH_FIELD_ENCRYPTION_KEYS."""
    return Fernet.generate_key().decode()


def keys_problem() -> str:
    """Why the configured keys cannot be used, or ``""`` if they can (for the deploy check)."""
    try:
        _keys()
    except EncryptionKeyMissing as error:
        return str(error)
    return ""


def is_encrypted(stored: str) -> bool:
    return stored.startswith(PREFIX)


def encrypt(text: str) -> str:
    """The stored form of ``text``, encrypted with the first key."""
    return PREFIX + _keys().encrypt(text.encode()).decode()


def decrypt(stored: str) -> str:
    """The text ``stored`` was made from; ``DecryptionFailed`` if no key opens it."""
    if not is_encrypted(stored):
        raise DecryptionFailed(
            "A secret in the database is not encrypted: run `manage.py migrate`, which "
            "encrypts secrets written before encryption at rest"
        )
    try:
        return _keys().decrypt(stored.removeprefix(PREFIX).encode()).decode()
    except InvalidToken:
        raise DecryptionFailed(
            "A secret in the database cannot be decrypted with any key in "
            "BOROUGH_FIELD_ENCRYPTION_KEYS: was the key that encrypted it removed before "
            "`manage.py rotate_encryption_key` was run?"
        ) from None


def reencrypt(stored: str) -> str:
    """``stored`` encrypted again with the first key (``DecryptionFailed`` if no key opens it)."""
    if not is_encrypted(stored):
        return encrypt(stored)
    try:
        token = _keys().rotate(stored.removeprefix(PREFIX).encode())
    except InvalidToken:
        decrypt(stored)  # raises the explanation
        raise
    return PREFIX + token.decode()


class EncryptedTextField(models.TextField):
    """Text kept encrypted in the database, plain in Python. Empty text stays empty (nothing
    to hide, and "no secret" stays visible). Cannot be searched: each encryption differs."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if not value:
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if not value:
            return value
        return encrypt(value)


def encrypt_column(connection: Any, table: str, column: str, *, decrypting: bool = False) -> int:
    """Encrypt, in place, the values of ``table.column`` not yet encrypted (``decrypting``: the
    reverse). For data migrations, which read the raw rows: the field would refuse them.
    Returns how many rows changed."""
    quote = connection.ops.quote_name
    changed = 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {quote(column)} FROM {quote(table)}")  # noqa: S608
        for pk, value in cursor.fetchall():
            if not value or is_encrypted(value) != decrypting:
                continue
            new = decrypt(value) if decrypting else encrypt(value)
            cursor.execute(
                f"UPDATE {quote(table)} SET {quote(column)} = %s WHERE id = %s",  # noqa: S608
                [new, pk],
            )
            changed += 1
    return changed
