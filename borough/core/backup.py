"""Backup and restore of a production Borough (issue 24; docs/how-to/deploy.md, "Backup and
restore"): the PostgreSQL database (pg_dump's custom format), every uploaded file (read through
the configured storage, so S3 and a shared folder alike) and, in a place of their own, the keys
without which the stored secrets cannot be read.

A backup is a folder ``borough-<UTC time>/`` with ``database.dump``, ``files.tar`` and
``manifest.json`` (what each holds and its SHA-256); the keys go to ``borough-keys-<UTC
time>.env`` in another folder (mode 0600). Restoring checks the SHA-256s, restores the
database over the configured one, puts the files back in the configured storage, and then
checks that the configured keys open every stored secret.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from allauth.mfa.models import Authenticator
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from . import encryption

FORMAT = 1
KEY_SETTINGS = ("DJANGO_SECRET_KEY", "BOROUGH_FIELD_ENCRYPTION_KEYS", "BOROUGH_API_KEY_HASH_KEYS")


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class Restored:
    files: int
    secrets_checked: int
    seconds: float


def _database() -> dict:
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        raise BackupError(
            "Backups are of PostgreSQL (production). The embedded mode's SQLite database is the "
            f"file {database['NAME']}: copy it while Borough is stopped."
        )
    return database


def _pg(tool: str, database: dict, *arguments: str) -> None:
    """Run pg_dump or pg_restore on the configured database (password through the environment)."""
    if not shutil.which(tool):
        raise BackupError(f"{tool} is not installed (Debian: apt-get install postgresql-client)")
    environment = {**os.environ, "PGPASSWORD": str(database.get("PASSWORD") or "")}
    command = [
        tool,
        "--host",
        str(database.get("HOST") or "localhost"),
        "--port",
        str(database.get("PORT") or 5432),
        "--username",
        str(database.get("USER") or "postgres"),
        *arguments,
    ]
    # A fixed tool name; its arguments come from the settings, never from a request.
    result = subprocess.run(command, env=environment, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{tool} failed: {result.stderr.strip()[-2000:]}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _stored_files(folder: str = "") -> list[str]:
    """Every file in the default storage, as storage names."""
    folders, files = default_storage.listdir(folder)
    names = [str(PurePosixPath(folder) / name) if folder else name for name in files]
    for child in folders:
        names += _stored_files(str(PurePosixPath(folder) / child) if folder else child)
    return sorted(names)


def _storage_is_empty() -> bool:
    try:
        return not _stored_files()
    except FileNotFoundError:
        return True


def backup(destination: Path, keys_destination: Path, *, now: dt.datetime | None = None) -> Path:
    """Write a backup under ``destination`` and the keys under ``keys_destination``."""
    database = _database()
    if keys_destination.resolve() == destination.resolve():
        raise BackupError(
            "Keep the keys apart from the backups (another folder, another machine or "
            "a secrets manager): whoever has both can read every stored secret."
        )
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%SZ")
    folder = destination / f"borough-{stamp}"
    folder.mkdir(parents=True)
    folder.chmod(0o700)  # residents' personal data: readable by the backup's owner only
    dump = folder / "database.dump"
    _pg(
        "pg_dump",
        database,
        "--format=custom",
        "--no-owner",
        "--no-privileges",
        "--file",
        str(dump),
        str(database["NAME"]),
    )
    names = [] if _storage_is_empty() else _stored_files()
    with tarfile.open(folder / "files.tar", "w") as archive:
        for name in names:
            with default_storage.open(name, "rb") as handle:
                content = handle.read()
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    keys_name = f"borough-keys-{stamp}.env"
    manifest = {
        "format": FORMAT,
        "made_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": str(database["NAME"]),
        "files": len(names),
        "keys_file": keys_name,
        "sha256": {name: _sha256(folder / name) for name in ("database.dump", "files.tar")},
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    for path in folder.iterdir():
        path.chmod(0o600)
    keys_destination.mkdir(parents=True, exist_ok=True)
    keys = keys_destination / keys_name
    keys.touch(mode=0o600)
    keys.chmod(0o600)  # before a key is written
    keys.write_text("".join(f"{name}={_setting_text(name)}\n" for name in KEY_SETTINGS))
    return folder


def _setting_text(name: str) -> str:
    value = getattr(settings, "SECRET_KEY" if name == "DJANGO_SECRET_KEY" else name)
    return ",".join(value) if isinstance(value, list | tuple) else str(value)


def read_manifest(folder: Path) -> dict:
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{folder} is not a Borough backup (manifest.json: {error})") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{folder}: backup format {manifest.get('format')} is not {FORMAT}")
    for name, expected in manifest["sha256"].items():
        path = folder / name
        if not path.exists() or _sha256(path) != expected:
            raise BackupError(f"{path} is missing or damaged (its SHA-256 does not match)")
    return manifest


def restore(folder: Path) -> Restored:
    """Restore ``folder`` over the configured database and storage, then check the keys."""
    started = dt.datetime.now(dt.UTC)
    database = _database()
    manifest = read_manifest(folder)
    connection.close()
    _pg(
        "pg_restore",
        database,
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--dbname",
        str(database["NAME"]),
        str(folder / "database.dump"),
    )
    with tarfile.open(folder / "files.tar") as archive:
        members = [member for member in archive.getmembers() if member.isfile()]
        for member in members:
            name = PurePosixPath(member.name)
            if name.is_absolute() or ".." in name.parts:
                raise BackupError(f"files.tar holds an unsafe name: {member.name!r}")
            handle = archive.extractfile(member)
            assert handle is not None  # isfile() members always have content
            if default_storage.exists(member.name):
                default_storage.delete(member.name)
            saved = default_storage.save(member.name, ContentFile(handle.read()))
            if saved != member.name:
                raise BackupError(f"the storage saved {member.name} as {saved}")
    if len(members) != manifest["files"]:
        raise BackupError(f"files.tar holds {len(members)} files, the manifest {manifest['files']}")
    checked = check_secrets()
    seconds = (dt.datetime.now(dt.UTC) - started).total_seconds()
    return Restored(files=len(members), secrets_checked=checked, seconds=seconds)


def check_secrets() -> int:
    """Decrypt every stored secret with the configured keys; how many there were.

    Reading an ``EncryptedTextField`` decrypts it; authenticator apps' seeds (allauth's
    ``Authenticator.data``, ADR 0028) are decrypted here. A secret no key opens raises
    ``DecryptionFailed``, which the restore command reports."""
    checked = 0
    for model in apps.get_models():
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, encryption.EncryptedTextField)
        ]
        for values in model._default_manager.values_list(*fields) if fields else []:
            checked += sum(1 for value in values if value)
    for data in Authenticator.objects.values_list("data", flat=True):
        for value in (data or {}).values():
            if isinstance(value, str) and encryption.is_encrypted(value):
                encryption.decrypt(value)
                checked += 1
    return checked
