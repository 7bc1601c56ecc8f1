"""Read one linkage run out of the engine's DuckDB file (the contract: docs/how-to/single-view.md).

Reading is kept apart from writing: everything is read and checked here first, so a bad file
is refused before the single view is touched.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from borough.linkage.schema import COLUMNS, DATE_FIELDS

#: Every table (and the columns) an import needs; a file without them is refused.
REQUIRED_TABLES: dict[str, tuple[str, ...]] = {
    "records": COLUMNS,
    "link_runs": ("run_id", "ran_at"),
    "person_ids": ("run_id", "unique_id", "person_id"),
    "person_events": ("run_id", "event", "person_id", "other_person_id", "records"),
    "golden_fields": ("person_id", "field", "value", "source", "record_id", "rule"),
    "households": ("household_id", "uprn", "address", "postcode", "matched_by"),
    "household_members": ("household_id", "person_id"),
    "review_pairs": (
        "unique_id_l",
        "unique_id_r",
        "match_probability",
        "match_weight",
        "person_id_l",
        "person_id_r",
        "evidence",
    ),
    "dq_duplicates": ("source", "person_id", "records", "record_ids"),
    "dq_conflicts": ("person_id", "field", "values", "sources"),
}

RECORD_COLUMNS = REQUIRED_TABLES["records"]


class LinkageImportError(Exception):
    """The file cannot be imported; the message says why, in words for the data team."""


@dataclass
class Run:
    """One engine run, read from the file, ready to be written to the single view."""

    database: str
    run_id: int
    ran_at: dt.datetime | None
    records: list[dict] = field(default_factory=list)  # each with its person_id
    golden: list[dict] = field(default_factory=list)
    households: list[dict] = field(default_factory=list)
    members: list[tuple[str, str]] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    review_pairs: list[dict] = field(default_factory=list)
    duplicates: list[dict] = field(default_factory=list)
    conflicts: list[dict] = field(default_factory=list)
    threshold: float | None = None  # the run's clustering threshold (chosen from the data)
    weight_histogram: list[list[float]] = field(default_factory=list)  # [weight, pairs]

    @property
    def person_ids(self) -> list[str]:
        return sorted({record["person_id"] for record in self.records})


def _rows(con, sql: str, params: list | None = None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _text(value) -> str:
    return "" if value is None else str(value)


def _json_list(value, *, table: str, column: str) -> list:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return value
    try:
        parsed = json.loads(value)
    except (TypeError, ValueError):
        raise LinkageImportError(f"{table}.{column} holds {value!r}, which is not JSON") from None
    if not isinstance(parsed, list):
        raise LinkageImportError(f"{table}.{column} holds {value!r}, which is not a JSON list")
    return parsed


def _check_tables(con) -> None:
    found: dict[str, set[str]] = {}
    for table, column in con.execute(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'main'"
    ).fetchall():
        found.setdefault(table, set()).add(column)
    missing_tables = [table for table in REQUIRED_TABLES if table not in found]
    if missing_tables:
        raise LinkageImportError(
            "This file is missing the tables "
            + ", ".join(missing_tables)
            + ": run the engine's link step on it (python -m borough.linkage link) "
            "with a version that writes them"
        )
    problems = [
        f"{table}.{column}"
        for table, columns in REQUIRED_TABLES.items()
        for column in columns
        if column not in found[table]
    ]
    if problems:
        raise LinkageImportError("This file is missing the columns " + ", ".join(problems))


def read_run(path: str | Path) -> Run:
    """Read the latest run in the engine's DuckDB file at ``path``; raise
    ``LinkageImportError`` if the file is not there, not DuckDB, or lacks what the single view
    needs."""
    path = Path(path)
    if not path.is_file():
        raise LinkageImportError(f"There is no file at {path}")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as error:
        raise LinkageImportError(f"{path} is not a DuckDB database: {error}") from None
    try:
        _check_tables(con)
        latest = _rows(con, "SELECT run_id, ran_at FROM link_runs ORDER BY run_id DESC LIMIT 1")
        if not latest:
            raise LinkageImportError(f"{path} has no linkage run yet (link_runs is empty)")
        run = Run(database=str(path), run_id=int(latest[0]["run_id"]), ran_at=latest[0]["ran_at"])
        _read_histogram(con, run)
        columns = ", ".join(f"r.{column}" for column in RECORD_COLUMNS)
        run.records = _rows(
            con,
            f"SELECT {columns}, p.person_id FROM records r "  # noqa: S608 - our own names
            "JOIN person_ids p ON p.unique_id = r.record_id AND p.run_id = ? "
            "ORDER BY r.record_id",
            [run.run_id],
        )
        if not run.records:
            raise LinkageImportError(f"Run {run.run_id} in {path} has no linked records")
        run.golden = _rows(
            con, "SELECT person_id, field, value, source, record_id, rule FROM golden_fields"
        )
        run.households = _rows(
            con, "SELECT household_id, uprn, address, postcode, matched_by FROM households"
        )
        run.members = [
            (row["household_id"], row["person_id"])
            for row in _rows(con, "SELECT DISTINCT household_id, person_id FROM household_members")
        ]
        run.events = _rows(
            con,
            "SELECT run_id, event, person_id, other_person_id, records FROM person_events "
            "ORDER BY run_id",
        )
        run.review_pairs = _rows(
            con,
            "SELECT unique_id_l, unique_id_r, match_probability, match_weight, person_id_l, "
            "person_id_r, evidence FROM review_pairs",
        )
        run.duplicates = _rows(
            con, "SELECT source, person_id, records, record_ids FROM dq_duplicates"
        )
        run.conflicts = _rows(con, 'SELECT person_id, field, "values", sources FROM dq_conflicts')
    except duckdb.Error as error:
        raise LinkageImportError(f"{path} could not be read: {error}") from None
    finally:
        con.close()
    _check_references(run)
    return run


def _read_histogram(con, run: Run) -> None:
    """The run's threshold and its scored pairs by whole match weight (for the run report),
    when the file has them (an engine before issue 18 wrote neither)."""
    tables = {
        row[0] for row in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    if "predictions" in tables:
        rows = con.execute(
            "SELECT floor(match_weight) AS weight, count(*) AS pairs FROM predictions "
            "WHERE match_weight IS NOT NULL GROUP BY 1 ORDER BY 1"
        ).fetchall()
        run.weight_histogram = [[float(weight), int(pairs)] for weight, pairs in rows]
    columns = {row[0] for row in con.execute("DESCRIBE link_runs").fetchall()}
    if "threshold" in columns:
        found = con.execute(
            "SELECT threshold FROM link_runs WHERE run_id = ?", [run.run_id]
        ).fetchall()
        if found and found[0][0] is not None:
            run.threshold = float(found[0][0])


def _check_references(run: Run) -> None:
    """Everything must name people and households of this run: refuse a file that does not."""
    people = set(run.person_ids)
    households = {row["household_id"] for row in run.households}
    for row in run.golden:
        if row["person_id"] not in people:
            raise LinkageImportError(
                f"golden_fields names person {row['person_id']}, who is not in run {run.run_id}"
            )
    for household_id, person_id in run.members:
        if household_id not in households:
            raise LinkageImportError(
                f"household_members names household {household_id}, which is not in households"
            )
        if person_id not in people:
            raise LinkageImportError(
                f"household_members names person {person_id}, who is not in run {run.run_id}"
            )
    for row in run.review_pairs:
        row["evidence"] = _json_list(row["evidence"], table="review_pairs", column="evidence")
        if row["match_probability"] is None:
            raise LinkageImportError(
                f"review_pairs has no match_probability for {row['unique_id_l']} and "
                f"{row['unique_id_r']}"
            )
    for row in run.conflicts:
        row["values"] = _json_list(row["values"], table="dq_conflicts", column="values")
        row["sources"] = _json_list(row["sources"], table="dq_conflicts", column="sources")
    for row in run.golden + run.households + run.duplicates:
        for key, value in row.items():
            if value is None:
                row[key] = ""
    for row in run.review_pairs:
        for key in ("unique_id_l", "unique_id_r", "person_id_l", "person_id_r"):
            row[key] = _text(row[key])
    for row in run.records:
        for key in RECORD_COLUMNS:
            if key not in DATE_FIELDS:
                row[key] = _text(row[key])
