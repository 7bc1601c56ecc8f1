from pathlib import Path

from django.core.management.base import BaseCommand

from borough.singleview.services import decisions_write


class Command(BaseCommand):
    help = (
        "Write the data team's match decisions as the CSV the linkage engine reads "
        "(python -m borough.linkage link --decisions FILE)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="CSV file to write")

    def handle(self, *args, out: str, **options):
        path = Path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="") as handle:
            count = decisions_write(handle)
        self.stdout.write(self.style.SUCCESS(f"Wrote {count:,} decisions to {path}"))
