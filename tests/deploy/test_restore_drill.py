"""The restore drill (issue 24, point 5): back up, wipe, restore, and find the cases, the files,
the stored secrets and residents' sign-in as they were. PostgreSQL only (backups are pg_dump's):
the SQLite leg skips it. docs/how-to/deploy.md, "Backup and restore"."""

from __future__ import annotations

import json
import time

import pytest
from allauth.mfa.models import Authenticator
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from borough.accounts.mfa import authenticator_app_add
from borough.cases.models import Case
from borough.catalogue.uploads import upload_keep
from borough.core.actors import ResidentActor
from borough.core.backup import check_secrets
from borough.core.encryption import DecryptionFailed, decrypt
from borough.integrations.models import WebhookSubscription
from tests.factories import PASSWORD, ResidentUserFactory
from tests.signing_in import TEST_TOTP_SECRET

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="backups are of PostgreSQL (pg_dump)"
)

PHOTO = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


@pytest.fixture
def storage_folder(settings, tmp_path):
    folder = tmp_path / "uploads"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder)},
        },
    }
    return folder


def _wipe(folder):
    """What a lost server leaves: an empty database and no files."""
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    for path in sorted(folder.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()


@pytest.mark.django_db(transaction=True)  # pg_dump sees only what is committed
def test_back_up_wipe_and_restore(
    make_case, new_api_client, admin, storage_folder, tmp_path, client, settings
):
    resident = ResidentUserFactory()
    case = make_case()
    upload = upload_keep(
        content=PHOTO, kind="image/png", original_name="bin.png", actor=ResidentActor()
    )
    subscription = WebhookSubscription.objects.create(
        client=new_api_client().client,
        target_url="https://receiver.example/hooks",
        secret="whsec_drill_secret",
        secret_prefix="whsec_dri",
        created_at=case.created_at,
    )
    staff_app = authenticator_app_add(user=admin, secret=TEST_TOTP_SECRET)
    backups, keys = tmp_path / "backups", tmp_path / "keys"

    call_command("backup", backups, keys=keys)
    (folder,) = backups.iterdir()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["files"] == 1
    assert folder.stat().st_mode & 0o777 == 0o700
    assert {path.stat().st_mode & 0o777 for path in folder.iterdir()} == {0o600}
    keys_file = keys / manifest["keys_file"]
    assert keys_file.stat().st_mode & 0o777 == 0o600
    assert "BOROUGH_FIELD_ENCRYPTION_KEYS=" in keys_file.read_text()
    assert not list(folder.glob("*keys*")), "the keys are not beside the backup"

    _wipe(storage_folder)
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('cases_case')")
        assert cursor.fetchone() == (None,)
    assert not default_storage.exists(upload.path)

    started = time.monotonic()
    call_command("restore", folder, yes=True)
    recovery_seconds = time.monotonic() - started

    restored = Case.objects.get(pk=case.pk)
    assert restored.reference == case.reference and Case.objects.count() == 1
    with default_storage.open(upload.path, "rb") as handle:
        assert handle.read() == PHOTO
    assert WebhookSubscription.objects.get(pk=subscription.pk).secret == "whsec_drill_secret"
    seed = Authenticator.objects.get(pk=staff_app.pk).data["secret"]
    assert decrypt(seed) == TEST_TOTP_SECRET  # staff can still sign in with their app
    response = client.post("/account/login/", {"login": resident.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/my-account/"
    assert client.get("/my-account/").status_code == 200
    assert recovery_seconds < 20

    # Started with other keys, the restored secrets do not open, and the check says so.
    settings.BOROUGH_FIELD_ENCRYPTION_KEYS = ["mTvQepicKl7aayGpWwYRDXQlnxd0f63hUzgveeDihhw="]
    with pytest.raises(DecryptionFailed, match="BOROUGH_FIELD_ENCRYPTION_KEYS"):
        check_secrets()


@pytest.mark.django_db
def test_restore_refuses_a_damaged_backup_and_asks_before_replacing(
    make_case, storage_folder, tmp_path
):
    make_case()
    call_command("backup", tmp_path / "backups", keys=tmp_path / "keys")
    (folder,) = (tmp_path / "backups").iterdir()
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", folder)
    with pytest.raises(CommandError, match="Keep the keys apart"):
        call_command("backup", tmp_path / "same", keys=tmp_path / "same")
    dump = folder / "database.dump"
    dump.write_bytes(dump.read_bytes()[:-10])
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", folder, yes=True)
    assert Case.objects.count() == 1  # nothing was touched
