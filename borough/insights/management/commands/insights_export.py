"""Export events and KPI counts for analysts, as Parquet files and a DuckDB file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from borough.insights.export import DUCKDB_FILE, export

from .insights_backfill import _date as parse_date


def _date(value: str | None) -> dt.date | None:
    return None if value is None else parse_date(value)


class Command(BaseCommand):
    help = (
        "Write contact events, form sessions, feedback scores, cases, staff time and the daily "
        "KPI counts (no personal data) to Parquet files in --out, and all of them, with a few "
        f"views, to --out/{DUCKDB_FILE}. --from/--to keep the events of those days only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="folder to write to (made if missing)")
        parser.add_argument("--from", dest="start", help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", help="last day, YYYY-MM-DD")

    def handle(self, *args, out: str, start: str | None, end: str | None, **options):
        first, last = _date(start), _date(end)
        if first and last and last < first:
            raise CommandError("--to must be the same day as --from or later")
        folder = Path(out)
        if folder.exists() and not folder.is_dir():
            raise CommandError(f"{out} is a file, not a folder")
        written = export(out=folder, start=first, end=last)
        for name, rows in written.items():
            self.stdout.write(f"{name}.parquet: {rows:,} rows")
        self.stdout.write(f"Open {folder / DUCKDB_FILE} with DuckDB to query them together.")
