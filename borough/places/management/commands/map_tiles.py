"""Draw the borough's own offline map tiles from the gazetteer (``places.tiles``)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from borough.places.tiles import render_tiles


class Command(BaseCommand):
    help = "Draw map tiles of the borough's streets from the gazetteer, for the offline map."

    def add_arguments(self, parser):
        parser.add_argument("--out", default=str(settings.BOROUGH_MAP_TILE_DIR))
        parser.add_argument("--min-zoom", type=int, default=12)
        parser.add_argument("--max-zoom", type=int, default=16)

    def handle(self, *args, out, min_zoom, max_zoom, **options):
        if not 0 <= min_zoom <= max_zoom <= 18:
            raise CommandError("Zoom levels must be 0 to 18, --min-zoom no more than --max-zoom")
        folder = Path(out)
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        started = time.monotonic()
        count = render_tiles(folder, min_zoom=min_zoom, max_zoom=max_zoom)
        size = sum(path.stat().st_size for path in folder.rglob("*.png"))
        self.stdout.write(
            f"{count} tiles ({size / 1024:.0f} KB), zoom {min_zoom}-{max_zoom}, into {folder} "
            f"in {time.monotonic() - started:.1f} s"
        )
