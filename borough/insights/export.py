"""Export for analysts: Parquet files of the events and counts, and a DuckDB file of them.

No personal data leaves: no names, emails, phone numbers, addresses, free text (reasons, notes,
comments, answers) or the ids of residents and staff. What each file holds is listed in
``DATASETS`` and in docs/how-to/kpis.md. Rows are streamed from the database into a CSV file
(a chunk at a time, so memory stays flat however many rows there are), which DuckDB reads with
fixed column types and writes as Parquet; the DuckDB file then loads each Parquet file.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb
from django.db.models import QuerySet
from django.utils import timezone

from borough.cases.models import Case, CaseEvent
from borough.contacts.models import Contact, Feedback, FormSession

from .models import DailyCount
from .services import _bounds

DUCKDB_FILE = "borough.duckdb"
CHUNK = 20_000


def _utc(value: dt.datetime | None) -> str:
    """A timestamp as UTC wall time (DuckDB TIMESTAMP has no zone; the column names say UTC)."""
    if value is None:
        return ""
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")


def _day(value: dt.datetime | None) -> str:
    """The local (Europe/London) day, as the count tables use."""
    return "" if value is None else timezone.localtime(value).date().isoformat()


def _text(value) -> str:
    return "" if value is None else str(value)


def _bool(value) -> str:
    return "true" if value else "false"


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # DuckDB type
    source: str  # what it is read from (a ``values_list`` lookup)
    convert: Callable = _text
    about: str = ""


@dataclass(frozen=True)
class Dataset:
    name: str
    about: str
    columns: list[Column]
    rows: Callable[[dt.datetime | None, dt.datetime | None], QuerySet] | None  # None: by day


def _between(queryset: QuerySet, field: str, low, high) -> QuerySet:
    if low is not None:
        queryset = queryset.filter(**{f"{field}__gte": low})
    if high is not None:
        queryset = queryset.filter(**{f"{field}__lt": high})
    return queryset.order_by("pk")


DATASETS = [
    Dataset(
        "contact_events",
        "Every contact, on any channel, either way",
        [
            Column("id", "BIGINT", "id"),
            Column("started_at_utc", "TIMESTAMP", "started_at", _utc),
            Column("day", "DATE", "started_at", _day, "local day, as in daily_counts"),
            Column("channel", "VARCHAR", "channel"),
            Column("direction", "VARCHAR", "direction", about="inbound: from the resident"),
            Column("handled_by_staff", "BOOLEAN", "handled_by_id", _bool),
            Column("duration_seconds", "INTEGER", "duration_seconds"),
            Column("outcome", "VARCHAR", "outcome"),
            Column("service", "VARCHAR", "service__slug"),
            Column("team", "VARCHAR", "service__team__slug"),
            Column("case_id", "BIGINT", "case_id"),
            Column("ward", "VARCHAR", "case__ward__code", about="ward code of the request"),
        ],
        lambda low, high: _between(Contact.objects.all(), "started_at", low, high),
    ),
    Dataset(
        "form_sessions",
        "Every online form started, and how it ended",
        [
            Column("id", "BIGINT", "id"),
            Column("service", "VARCHAR", "service__slug"),
            Column("team", "VARCHAR", "service__team__slug"),
            Column("channel", "VARCHAR", "channel"),
            Column("started_at_utc", "TIMESTAMP", "started_at", _utc),
            Column("day", "DATE", "started_at", _day),
            Column("completed_at_utc", "TIMESTAMP", "completed_at", _utc),
            Column("completed_day", "DATE", "completed_at", _day),
            Column("outcome", "VARCHAR", "outcome"),
        ],
        lambda low, high: _between(FormSession.objects.all(), "started_at", low, high),
    ),
    Dataset(
        "feedback",
        "Satisfaction answers (the score only, never the comment)",
        [
            Column("id", "BIGINT", "id"),
            Column("service", "VARCHAR", "service__slug"),
            Column("channel", "VARCHAR", "channel"),
            Column("point", "VARCHAR", "point"),
            Column("score", "INTEGER", "score", about="1 very dissatisfied .. 5 very satisfied"),
            Column("given_at_utc", "TIMESTAMP", "given_at", _utc),
            Column("day", "DATE", "given_at", _day),
            Column("case_id", "BIGINT", "case_id"),
        ],
        lambda low, high: _between(Feedback.objects.all(), "given_at", low, high),
    ),
    Dataset(
        "cases",
        "Every request (no answers, location, resident or staff)",
        [
            Column("id", "BIGINT", "id"),
            Column("service", "VARCHAR", "service__slug"),
            Column("team", "VARCHAR", "team__slug"),
            Column("ward", "VARCHAR", "ward__code"),
            Column("channel", "VARCHAR", "channel"),
            Column("status", "VARCHAR", "status"),
            Column("state", "VARCHAR", "state"),
            Column("resolution", "VARCHAR", "resolution"),
            Column("priority", "INTEGER", "priority"),
            Column("created_at_utc", "TIMESTAMP", "created_at", _utc),
            Column("day", "DATE", "created_at", _day),
            Column("closed_at_utc", "TIMESTAMP", "closed_at", _utc),
            Column("closed_day", "DATE", "closed_at", _day),
            Column("due_date", "DATE", "due_date"),
            Column("duplicate_of_id", "BIGINT", "duplicate_of_id"),
        ],
        lambda low, high: _between(Case.objects.all(), "created_at", low, high),
    ),
    Dataset(
        "staff_time",
        "Back-office time recorded on requests (no note, no member of staff)",
        [
            Column("case_id", "BIGINT", "case_id"),
            Column("recorded_at_utc", "TIMESTAMP", "at", _utc),
            Column("day", "DATE", "at", _day),
            Column("minutes", "INTEGER", "data__minutes"),
            Column("letter_posted", "BOOLEAN", "data__letter", _bool),
            Column("service", "VARCHAR", "case__service__slug"),
            Column("team", "VARCHAR", "case__team__slug"),
        ],
        lambda low, high: _between(
            CaseEvent.objects.filter(kind=CaseEvent.Kind.TIME_RECORDED), "at", low, high
        ),
    ),
    Dataset(
        "daily_counts",
        "The KPI count table the dashboards read",
        [
            Column("day", "DATE", "day"),
            Column("kpi", "VARCHAR", "kpi"),
            Column("service", "VARCHAR", "service__slug"),
            Column("channel", "VARCHAR", "channel"),
            Column("team", "VARCHAR", "team__slug"),
            Column("ward", "VARCHAR", "ward__code"),
            Column("value", "BIGINT", "value"),
        ],
        None,  # filtered by day, below
    ),
]

VIEWS = {
    "kpi_by_month": """
        SELECT date_trunc('month', day)::DATE AS month, kpi, sum(value) AS value
        FROM daily_counts GROUP BY ALL ORDER BY month, kpi""",
    "contacts_by_channel_and_day": """
        SELECT day, channel, count(*) AS contacts,
               count(*) FILTER (WHERE NOT handled_by_staff
                 AND channel IN ('web', 'chat', 'voice', 'api')) AS self_service
        FROM contact_events WHERE direction = 'inbound' GROUP BY ALL ORDER BY day, channel""",
    "completion_rate_by_service": """
        SELECT service, count(*) AS started,
               count(*) FILTER (WHERE outcome IN ('submitted', 'not_eligible')) AS completed,
               round(completed / started, 4) AS completion_rate
        FROM form_sessions GROUP BY ALL ORDER BY service""",
    "time_to_close_by_service": """
        SELECT service, count(*) AS closed,
               round(avg(epoch(closed_at_utc - created_at_utc)) / 86400, 2) AS average_days
        FROM cases WHERE closed_at_utc IS NOT NULL GROUP BY ALL ORDER BY service""",
    "satisfaction_by_service": """
        SELECT service, count(*) AS responses,
               round(count(*) FILTER (WHERE score >= 4) / count(*), 4) AS satisfied_share
        FROM feedback GROUP BY ALL ORDER BY service""",
}


def _write_csv(path: Path, dataset: Dataset, rows: Iterable[tuple]) -> int:
    converters = [c.convert for c in dataset.columns]
    written = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([c.name for c in dataset.columns])
        for row in rows:
            writer.writerow([convert(v) for convert, v in zip(converters, row, strict=True)])
            written += 1
    return written


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def export(*, out: Path, start: dt.date | None = None, end: dt.date | None = None) -> dict:
    """Write each dataset to ``out/<name>.parquet`` and all of them to ``out/borough.duckdb``.

    ``start``/``end`` (local days, both included) keep events of those days only. Returns the
    rows written for each dataset. An existing DuckDB file in ``out`` is replaced.
    """
    low = high = None
    if start is not None:
        low = _bounds(start, start)[0]
    if end is not None:
        high = _bounds(end, end)[1]
    out.mkdir(parents=True, exist_ok=True)
    database = out / DUCKDB_FILE
    database.unlink(missing_ok=True)
    written: dict[str, int] = {}
    scratch = Path(tempfile.mkdtemp(prefix="borough-export-", dir=out))
    try:
        con = duckdb.connect(str(database))
        for dataset in DATASETS:
            if dataset.rows is None:
                rows = DailyCount.objects.order_by("day", "pk")
                if start is not None:
                    rows = rows.filter(day__gte=start)
                if end is not None:
                    rows = rows.filter(day__lte=end)
            else:
                rows = dataset.rows(low, high)
            lookups = [c.source for c in dataset.columns]
            source = scratch / f"{dataset.name}.csv"
            written[dataset.name] = _write_csv(
                source, dataset, rows.values_list(*lookups).iterator(chunk_size=CHUNK)
            )
            types = ", ".join(f"'{c.name}': '{c.type}'" for c in dataset.columns)
            parquet = out / f"{dataset.name}.parquet"
            # Names and types are this module's constants; paths are quoted (COPY takes no
            # parameters).
            con.execute(
                f"COPY (SELECT * FROM read_csv({_quote(source)}, header = true, "  # noqa: S608
                f"columns = {{{types}}})) TO {_quote(parquet)} (FORMAT parquet)"
            )
            con.execute(
                f"CREATE TABLE {dataset.name} AS "  # noqa: S608
                f"SELECT * FROM read_parquet({_quote(parquet)})"
            )
            source.unlink()
        for name, sql in VIEWS.items():
            con.execute(f"CREATE VIEW {name} AS {sql}")
        con.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return written
