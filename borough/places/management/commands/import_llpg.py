from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from borough.places.importer import ImportRefused, import_llpg


class Command(BaseCommand):
    help = (
        "Import a flat LLPG extract (CSV). By default nothing is loaded if any row is bad; "
        "--skip-invalid loads the good rows. Bad rows are listed with their line numbers."
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
                report = import_llpg(handle, policy=policy)
        except ImportRefused as error:
            raise CommandError(str(error)) from None
        if report.errors and policy == "all_or_nothing":
            raise CommandError(report.summary())
        self.stdout.write(report.summary())
