"""``manage.py singleview_demo``: give the demo's single view real data.

Generates a synthetic extract from several council systems (the engine's generator, invented
people), links it with the engine and imports the run, in ``var/linkage/``. The generator's
people are not the demo borough's residents, so Borough's own residents are left out of the
extract (``--sources`` at most 7) and no linked person is tied to a demo resident by mistake.
"""

import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from borough.singleview.models import LinkageImport

#: The generator's eighth system is Borough's own residents; see the module docstring.
MAX_SOURCES = 7


class Command(BaseCommand):
    help = "Generate, link and import a demo extract for the single view (var/linkage/)."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=2000)
        parser.add_argument("--sources", type=int, default=4, help=f"1 to {MAX_SOURCES}")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--dir", help="where to keep the extracts, model and DuckDB file")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing (and succeed) if a linkage run has already been imported",
        )

    def handle(self, *args, people, sources, seed, dir, if_empty, **options):
        if if_empty and LinkageImport.objects.exists():
            self.stdout.write("The single view already has an import; nothing was linked.")
            return
        if not 1 <= sources <= MAX_SOURCES:
            raise CommandError(f"--sources must be between 1 and {MAX_SOURCES}")
        if people < 10:
            raise CommandError("--people must be at least 10")
        folder = Path(dir) if dir else Path(settings.VAR_DIR) / "linkage"
        started = time.perf_counter()
        # A fresh DuckDB file each time: the demo's ids start again with the demo.
        (folder / "extracts" / "people.duckdb").unlink(missing_ok=True)
        call_command(
            "linkage",
            "--import",
            "run",
            "--people",
            str(people),
            "--sources",
            str(sources),
            "--seed",
            str(seed),
            "--out",
            str(folder / "extracts"),
            "--models-dir",
            str(folder / "models"),
            stdout=self.stdout,
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Single view demo linked and imported in {time.perf_counter() - started:.1f}s "
                f"(hub: /hub/single-view/, sign in as data.officer@council.example)"
            )
        )
