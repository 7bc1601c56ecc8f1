"""``manage.py backup DEST --keys KEYS_DEST``: the database, the files and (apart) the keys."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from borough.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database (pg_dump custom format), uploaded files and, apart, the keys."

    def add_arguments(self, parser):
        parser.add_argument("destination", type=Path, help="folder for the backup")
        parser.add_argument(
            "--keys",
            type=Path,
            required=True,
            dest="keys",
            help="another folder for the keys file (not beside the backup)",
        )

    def handle(self, *args, destination: Path, keys: Path, **options):
        started = time.monotonic()
        try:
            folder = backup(destination, keys)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Backed up to {folder} in {time.monotonic() - started:.1f} s; "
            f"keys in {keys} (keep them apart from the backup)"
        )
