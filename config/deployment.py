"""What production needs from its environment, read in one place (issue 24).

``config/settings.py`` calls these. Production (``BOROUGH_MODE=production``) refuses to start,
naming each missing setting, instead of falling back to what only suits one machine: a SQLite
database or task queue, a cache kept per machine, uploads on one server's disk.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ImproperlyConfigured

# Secrets that may come from a file a secrets manager mounts: NAME_FILE names the file (its
# whole content, without the final newline), used when NAME itself is not set. The encryption
# and API-key hash keys and the OpenID Connect private key read their own _FILE (settings.py).
FILE_SECRETS = (
    "DJANGO_SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "CACHE_URL",
    "EMAIL_URL",
    "GOVUK_PAY_API_KEY",
    "GOVUK_PAY_WEBHOOK_SECRET",
    "DVLA_VES_API_KEY",
    "BOROUGH_OIDC_CLIENT_SECRET",
    "BOROUGH_ASSISTANT_LLM_KEY",
    "BOROUGH_S3_ACCESS_KEY_ID",
    "BOROUGH_S3_SECRET_ACCESS_KEY",
)

# What production must name explicitly, and what each is for.
PRODUCTION_REQUIRED = {
    "DJANGO_SECRET_KEY": "50 or more random characters, kept secret",
    "DATABASE_URL": "the PostgreSQL database, e.g. postgres://borough@db:5432/borough",
    "REDIS_URL": "the task queue every worker shares, e.g. redis://redis:6379/0",
    "CACHE_URL": "the cache, sessions and rate-limit counts every web server shares, "
    "e.g. redis://redis:6379/1",
    "BOROUGH_STORAGE_URL": "where uploaded files live, readable by every server: "
    "s3://bucket-name (S3-compatible object storage) or file:///mounted/shared/folder",
}


def read_file_secrets(environ: os._Environ[str] | dict[str, str] = os.environ) -> None:
    """Set NAME from the file NAME_FILE names, for each secret not given directly."""
    for name in FILE_SECRETS:
        path = environ.get(f"{name}_FILE", "")
        if path and not environ.get(name):
            try:
                environ[name] = Path(path).read_text().rstrip("\r\n")
            except OSError as error:
                raise ImproperlyConfigured(
                    f"{name}_FILE names {path}, which cannot be read ({error.strerror})"
                ) from None


def refuse_incomplete_production(environ: os._Environ[str] | dict[str, str] = os.environ) -> None:
    """Stop a production start that would quietly run as a one-machine demo."""
    missing = [name for name in PRODUCTION_REQUIRED if not environ.get(name)]
    if missing:
        lines = "\n".join(f"  {name}: {PRODUCTION_REQUIRED[name]}" for name in missing)
        raise ImproperlyConfigured(
            "Borough is in production mode (BOROUGH_MODE=production) and will not start "
            f"without these settings (or NAME_FILE for each):\n{lines}\n"
            "See docs/how-to/deploy.md."
        )


def storage(url: str, default_root: Path, environ: os._Environ[str] | dict[str, str]) -> dict:
    """The STORAGES["default"] entry for BOROUGH_STORAGE_URL (empty: files under default_root)."""
    if not url:
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(default_root)},
        }
    parts = urlsplit(url)
    if parts.scheme == "file":
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": parts.path},
        }
    if parts.scheme == "s3" and parts.netloc:
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        options: dict[str, Any] = {
            "bucket_name": parts.netloc,
            "location": parts.path.strip("/"),
            # Files are private: the hub serves them through Borough, never by a bucket link.
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            "endpoint_url": environ.get("BOROUGH_S3_ENDPOINT_URL") or None,
            "region_name": environ.get("BOROUGH_S3_REGION") or query.get("region") or None,
            "access_key": environ.get("BOROUGH_S3_ACCESS_KEY_ID") or None,
            "secret_key": environ.get("BOROUGH_S3_SECRET_ACCESS_KEY") or None,
            "addressing_style": query.get("addressing_style") or None,
        }
        return {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {key: value for key, value in options.items() if value is not None},
        }
    raise ImproperlyConfigured(
        f"BOROUGH_STORAGE_URL {url!r} is neither s3://bucket[/prefix] nor file:///folder"
    )
