"""The shared shape of the gazetteer's CSV import commands."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from borough.places.importer import ImportRefused, ImportReport


class CsvImportCommand(BaseCommand):
    """Import one CSV file with ``importer(handle, policy=...)``: all or nothing by default."""

    importer: Callable[..., ImportReport] | None = (
        None  # set by each command: a function returning an ImportReport
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--skip-invalid", action="store_true", help="load the good rows and report the bad ones"
        )

    def handle(self, *args, path: Path, skip_invalid: bool, **options):
        if not path.exists():
            raise CommandError(f"There is no file at {path}")
        policy = "skip_invalid" if skip_invalid else "all_or_nothing"
        try:
            with path.open("rb") as handle:
                assert self.importer is not None  # each command sets its own
                report = self.importer(handle, policy=policy)
        except ImportRefused as error:
            raise CommandError(str(error)) from None
        if report.errors and policy == "all_or_nothing":
            raise CommandError(report.summary())
        self.stdout.write(report.summary())
