"""Rebuild the KPI count tables for a range of days."""

from __future__ import annotations

import argparse
import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from borough.core.progress import ENV_VAR as PROGRESS_ENV_VAR
from borough.core.progress import progress_bar
from borough.insights.services import counts_rebuild

# Each chunk is one transaction: long ranges never hold one huge transaction open.
CHUNK_DAYS = 31


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date like 2026-01-31") from None


class Command(BaseCommand):
    help = (
        "Rebuild the daily KPI counts from --from to --to (both included). Safe to rerun and "
        "to overlap earlier backfills: each day's counts are replaced, never added to."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
        parser.add_argument(
            "--progress",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="draw a progress bar on standard error (default: only on a terminal, unless "
            f"{PROGRESS_ENV_VAR} is 1 or 0)",
        )

    def handle(self, *args, start: str, end: str, **options):
        first, last = _date(start), _date(end)
        if last < first:
            raise CommandError("--to must be the same day as --from or later")
        rows = 0
        days = (last - first).days + 1
        chunk_start = first
        with progress_bar(
            "KPI counts", total=days, unit="day", show=options.get("progress")
        ) as bar:
            while chunk_start <= last:
                chunk_end = min(chunk_start + dt.timedelta(days=CHUNK_DAYS - 1), last)
                rows += counts_rebuild(start=chunk_start, end=chunk_end).rows
                bar.update((chunk_end - chunk_start).days + 1)
                chunk_start = chunk_end + dt.timedelta(days=1)
        self.stdout.write(f"Counted {days} day{'s' if days != 1 else ''}: {rows} rows.")
