"""``manage.py restore BACKUP --yes``: the database and files back, then the keys checked."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from borough.core.backup import BackupError, read_manifest, restore
from borough.core.encryption import DecryptionFailed


class Command(BaseCommand):
    help = (
        "Restore a backup over the configured database and file storage. Start Borough with "
        "the keys from the backup's keys file first (DJANGO_SECRET_KEY, "
        "BOROUGH_FIELD_ENCRYPTION_KEYS, BOROUGH_API_KEY_HASH_KEYS)."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", type=Path, help="the backup folder (borough-<time>)")
        parser.add_argument(
            "--yes", action="store_true", help="replace what the database holds now"
        )

    def handle(self, *args, backup: Path, yes: bool, **options):
        try:
            manifest = read_manifest(backup)
        except BackupError as error:
            raise CommandError(str(error)) from None
        if not yes:
            raise CommandError(
                f"This replaces everything in the database with the backup made at "
                f"{manifest['made_at']}. Run again with --yes to go on."
            )
        try:
            restored = restore(backup)
        except BackupError as error:
            raise CommandError(str(error)) from None
        except DecryptionFailed as error:
            raise CommandError(
                f"The database and files are restored, but {error} Start Borough with the keys "
                f"from {manifest['keys_file']}."
            ) from None
        files, secrets = restored.files, restored.secrets_checked
        self.stdout.write(
            f"Restored the backup made at {manifest['made_at']}: the database, "
            f"{files} file{'' if files == 1 else 's'}; "
            f"{secrets} stored secret{'' if secrets == 1 else 's'} "
            f"open with the configured keys; {restored.seconds:.1f} s"
        )
