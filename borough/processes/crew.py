"""Import the crews' in-cab round records (CSV from the waste contractor's system), which the
missed bin process checks reports against.

One row per round and street, with or without a property: ``round_ref, day, usrn, stream,
started_at, finished_at, uprn, outcome, at`` (``finished_at`` empty while the crew is still out;
``uprn``/``outcome``/``at`` empty for a row that only says the round ran). Importing a file again
updates the rounds (a round that finished since) and adds only records not yet held. A bad row
is reported with its line number and nothing of the file is kept.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.dateparse import parse_date, parse_datetime

from borough.places.models import Street

from .models import CrewOutcome, CrewRecord, CrewRound

COLUMNS = [
    "round_ref",
    "day",
    "usrn",
    "stream",
    "started_at",
    "finished_at",
    "uprn",
    "outcome",
    "at",
]
STREAMS = {"general", "recycling", "food", "garden"}


@dataclass
class CrewImport:
    rounds: int = 0
    records: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _moment(text: str, line: int, name: str, errors: list[str]) -> dt.datetime | None:
    if not text.strip():
        return None
    value = parse_datetime(text.strip())
    if value is None or value.tzinfo is None:
        errors.append(
            f"line {line}: {name} must be a date and time with its offset, like "
            "2026-12-07T07:42:00+00:00"
        )
    return value


def import_crew_rounds(handle: io.TextIOBase) -> CrewImport:
    report = CrewImport()
    reader = csv.DictReader(handle)
    if reader.fieldnames is None or [c.strip() for c in reader.fieldnames] != COLUMNS:
        report.errors.append("the first line must be the columns: " + ",".join(COLUMNS))
        return report
    streets = set(Street.objects.values_list("usrn", flat=True))
    rows = []
    for line, row in enumerate(reader, start=2):
        errors: list[str] = []
        day = parse_date(row["day"].strip())
        if day is None:
            errors.append(f"line {line}: day must be a date like 2026-12-07")
        usrn = int(row["usrn"]) if row["usrn"].strip().isdigit() else None
        if usrn not in streets:
            errors.append(f"line {line}: no street with USRN {row['usrn']!r} in the gazetteer")
        if row["stream"].strip() not in STREAMS:
            errors.append(f"line {line}: stream must be one of {', '.join(sorted(STREAMS))}")
        started = _moment(row["started_at"], line, "started_at", errors)
        finished = _moment(row["finished_at"], line, "finished_at", errors)
        uprn = row["uprn"].strip()
        at = _moment(row["at"], line, "at", errors)
        if uprn and (
            not uprn.isdigit() or row["outcome"].strip() not in CrewOutcome.values or at is None
        ):
            errors.append(
                f"line {line}: a property's row needs a UPRN, an outcome "
                f"({', '.join(CrewOutcome.values)}) and the time it was recorded"
            )
        report.errors += errors
        if not errors:
            rows.append(
                (
                    row["round_ref"].strip(),
                    day,
                    usrn,
                    row["stream"].strip(),
                    started,
                    finished,
                    int(uprn) if uprn else None,
                    row["outcome"].strip(),
                    at,
                )
            )
    if report.errors:
        return report
    with transaction.atomic():
        rounds: dict[tuple, CrewRound] = {}
        for ref, day, usrn, stream, started, finished, uprn, outcome, at in rows:
            key = (ref, day, usrn, stream)
            if key not in rounds:
                crew_round, _ = CrewRound.objects.update_or_create(
                    round_ref=ref,
                    day=day,
                    street_id=usrn,
                    stream=stream,
                    defaults={"started_at": started, "finished_at": finished},
                )
                rounds[key] = crew_round
                report.rounds += 1
            if uprn is not None:
                _, made = CrewRecord.objects.get_or_create(
                    round=rounds[key], uprn=uprn, outcome=outcome, at=at
                )
                report.records += int(made)
    return report
