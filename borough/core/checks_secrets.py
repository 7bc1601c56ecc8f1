"""`manage.py check --deploy`: the keys that keep secrets safe at rest are set (ADR 0028).

Registered by ``borough.clients.apps`` (kept apart from ``borough.core.checks``)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Warning

from .encryption import keys_problem

# A hash key shorter than this is guessable enough to let a stolen table be checked offline.
MIN_HASH_KEY_LENGTH = 32


def secret_keys_check(app_configs=None, **kwargs) -> list[Error | Warning]:
    problems: list[Error | Warning] = []
    problem = keys_problem()
    if problem:
        problems.append(
            Error(
                problem,
                hint="Make a key with `manage.py rotate_encryption_key --new-key` and set "
                "BOROUGH_FIELD_ENCRYPTION_KEYS (or BOROUGH_FIELD_ENCRYPTION_KEYS_FILE).",
                id="borough.E280",
            )
        )
    hash_keys = [key for key in settings.BOROUGH_API_KEY_HASH_KEYS if key]
    if not hash_keys:
        problems.append(
            Error(
                "BOROUGH_API_KEY_HASH_KEYS is not set: API keys cannot be made or checked.",
                hint="Set it to a long random value, e.g. from "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`. To keep the "
                "keys of existing clients working, add the current DJANGO_SECRET_KEY after it "
                "(docs/how-to/deploy.md, 'Keys and rotation').",
                id="borough.E281",
            )
        )
    elif len(hash_keys[0]) < MIN_HASH_KEY_LENGTH or hash_keys[0] == settings.SECRET_KEY:
        problems.append(
            Warning(
                "The first of BOROUGH_API_KEY_HASH_KEYS is short or is DJANGO_SECRET_KEY: "
                "rotating the secret key would lock out every API client.",
                hint=f"Use a random value of at least {MIN_HASH_KEY_LENGTH} characters of its own.",
                id="borough.W282",
            )
        )
    return problems
