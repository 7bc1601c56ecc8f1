"""Staging extracts: each read into a DuckDB temp table and checked (unreadable dates, blank and
repeated ids) by SQL over every row, dates and full names parsed once per distinct value; then
the staged records in the records table's shape."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from .dates import parse_date
from .db import run, scalar
from .extracts import (
    BATCH_ROWS,
    MAX_PROBLEMS_PER_SOURCE,
    Found,
    Unreadable,
    date_arrays,
    read_batches,
    text_array,
)
from .mapping import Mapping, Problem
from .names import parse_name
from .schema import COLUMNS, DATE_FIELDS, RECORDS_TABLE

_ID_CHECK = 1000  # after the date checks of the same row, as a row's problems are listed


@dataclass
class Staged:
    """One extract read into the temp table ``ingest_stage_<order>``."""

    order: int
    mapping: Mapping
    needed: list[str]  # the extract's columns read, as columns c0, c1, ... of the table
    #: Rows whose id repeats are set aside (listed in ``ingest_set_aside``) rather than refused.
    set_aside_repeats: bool = False

    @property
    def table(self) -> str:
        return f"ingest_stage_{self.order}"

    @property
    def fields(self) -> str:
        """The staged rows as the schema's fields (dates still as text and typed dates)."""
        expressions = ["row"]
        for name in COLUMNS:
            columns = self.mapping.columns.get(name)
            if name in DATE_FIELDS:
                if columns:
                    expressions += [f"{name}_text", f"{name}_date"]
                else:
                    expressions += [f"NULL::VARCHAR AS {name}_text", f"NULL::DATE AS {name}_date"]
            elif name in ("record_id", "source"):
                continue
            elif not columns:
                expressions.append(f"NULL::VARCHAR AS {name}")
            elif len(columns) == 1:
                expressions.append(f"c{self.needed.index(columns[0])} AS {name}")
            else:
                parts = ", ".join(f"c{self.needed.index(column)}" for column in columns)
                expressions.append(f"nullif(concat_ws(', ', {parts}), '') AS {name}")
        return f"(SELECT {', '.join(expressions)} FROM {self.table})"

    @property
    def date_fields(self) -> list[str]:
        return [name for name in self.mapping.columns if name in DATE_FIELDS]

    @property
    def parses_names(self) -> bool:
        return "full_name" in self.mapping.columns and not (
            {"first_name", "last_name"} & self.mapping.columns.keys()
        )


def _stage_batch(staged: Staged, lines: pa.Array, columns: dict[str, pa.Array]) -> pa.Table:
    arrays, names = [lines], ["row"]
    date_columns = {staged.mapping.columns[name][0]: name for name in staged.date_fields}
    for index, column in enumerate(staged.needed):
        arrays.append(text_array(columns[column]))
        names.append(f"c{index}")
    for column, name in date_columns.items():
        texts, dates = date_arrays(columns[column])
        arrays += [texts, dates]
        names += [f"{name}_text", f"{name}_date"]
    return pa.Table.from_arrays(arrays, names=names)


def _stage_source(con, staged: Staged, found: Found) -> None:
    mapping = staged.mapping
    columns = [f"c{index} VARCHAR" for index in range(len(staged.needed))]
    for name in staged.date_fields:
        columns += [f"{name}_text VARCHAR", f"{name}_date DATE"]
    run(con, f"CREATE OR REPLACE TEMP TABLE {staged.table} (row BIGINT, {', '.join(columns)})")
    for lines, arrays in read_batches(mapping, staged.needed, found):
        con.register("ingest_batch", _stage_batch(staged, lines, arrays))
        try:
            run(con, f"INSERT INTO {staged.table} SELECT * FROM ingest_batch")
        finally:
            con.unregister("ingest_batch")


def _parse_distinct(con, staged: Staged) -> None:
    """Every distinct date text of the extract read once into ``ingest_dates`` (with the error
    when it does not read), and, where names come whole, every distinct full name into
    ``ingest_names``."""
    mapping = staged.mapping
    for name in staged.date_fields:
        formats = mapping.date_formats.get(name)
        texts = con.sql(
            f"SELECT DISTINCT {name}_text FROM {staged.table} WHERE {name}_text IS NOT NULL"
        ).to_arrow_table()
        for batch in texts.to_batches(max_chunksize=BATCH_ROWS):
            values = batch.column(0).to_pylist()
            dates: list[dt.date | None] = []
            errors: list[str | None] = []
            for text in values:
                try:
                    dates.append(parse_date(text, formats))
                    errors.append(None)
                except ValueError as error:
                    dates.append(None)
                    errors.append(str(error))
            _insert(
                con,
                "ingest_dates",
                pa.table(
                    {
                        "source_order": pa.array([staged.order] * len(values), pa.int32()),
                        "field": pa.array([name] * len(values), pa.string()),
                        "text": pa.array(values, pa.string()),
                        "value": pa.array(dates, pa.date32()),
                        "error": pa.array(errors, pa.string()),
                    }
                ),
            )


def _parse_names(con, staged: Staged) -> None:
    if not staged.parses_names:
        return
    names = con.sql(
        f"SELECT DISTINCT full_name FROM {staged.fields} WHERE full_name IS NOT NULL"
    ).to_arrow_table()
    for batch in names.to_batches(max_chunksize=BATCH_ROWS):
        values = batch.column(0).to_pylist()
        parsed = [parse_name(value, staged.mapping.name_format) for value in values]
        _insert(
            con,
            "ingest_names",
            pa.table(
                {
                    "source_order": pa.array([staged.order] * len(values), pa.int32()),
                    "full_name": pa.array(values, pa.string()),
                    "first_name": pa.array([p.first_name for p in parsed], pa.string()),
                    "middle_names": pa.array([p.middle_names for p in parsed], pa.string()),
                    "last_name": pa.array([p.last_name for p in parsed], pa.string()),
                }
            ),
        )


def _insert(con, table: str, rows: pa.Table) -> None:
    con.register("ingest_rows", rows)
    try:
        run(con, f"INSERT INTO {table} SELECT * FROM ingest_rows")
    finally:
        con.unregister("ingest_rows")


def _row_problems(con, staged: Staged, found: Found) -> None:
    """Unreadable dates, blank ids and repeated ids, by row. With ``set_aside_repeats`` every
    row of a repeated id is put in ``ingest_set_aside`` instead (nothing says which is right)."""
    mapping, fields = staged.mapping, staged.fields
    order_in_row = {name: index for index, name in enumerate(mapping.columns)}
    checks = [
        f"SELECT v.row, {order_in_row[name]}, '{name}', d.error, NULL::BIGINT FROM {fields} v "
        f"JOIN ingest_dates d "
        f"ON d.source_order = {staged.order} AND d.field = '{name}' AND d.text = v.{name}_text "
        "WHERE d.error IS NOT NULL"
        for name in staged.date_fields
    ]
    checks.append(
        f"SELECT row, {_ID_CHECK}, 'source_id', NULL, NULL::BIGINT FROM {fields} v "
        "WHERE source_id IS NULL"
    )
    repeats = (
        f"SELECT v.row, v.source_id, f.first_row, f.copies FROM {fields} v JOIN "
        f"(SELECT source_id, min(row) AS first_row, count(*) AS copies FROM {fields} v "
        "WHERE source_id IS NOT NULL GROUP BY source_id HAVING count(*) > 1) f USING (source_id)"
    )
    if staged.set_aside_repeats:
        run(
            con,
            f"INSERT INTO ingest_set_aside SELECT {staged.order}, '{mapping.source}', source_id, "
            f"row, 'id ' || source_id || ' is on ' || copies || ' rows' FROM ({repeats})",
        )
    else:
        checks.append(
            f"SELECT row, {_ID_CHECK}, 'source_id', source_id, first_row FROM ({repeats}) "
            "WHERE row > first_row"
        )
    # The branches' columns are named once here: a UNION ALL takes its names from its first
    # branch, which is the blank-id check when the mapping has no date field.
    rows = run(
        con,
        f"SELECT *, count(*) OVER () FROM ({' UNION ALL '.join(checks)}) "
        "AS checks (row, check_order, field, detail, first_row) "
        f"ORDER BY row, check_order LIMIT {MAX_PROBLEMS_PER_SOURCE}",
    )
    for row, check_order, name, detail, first_row, _total in rows:
        column = mapping.columns[name][0]
        if name != "source_id":
            message = detail
        elif first_row is None:
            message = "no id"
        else:
            message = f"id {detail!r} is also on row {first_row}"
        found.add(Problem(mapping.source, message, row, column), check_order)
    found.more += max(0, (rows[0][-1] if rows else 0) - len(rows))


def stage_extracts(
    con: duckdb.DuckDBPyConnection,
    mappings: list[Mapping],
    problems: list[Problem],
    *,
    progress: Callable[[str], None] | None = None,
    set_aside_repeats: bool = False,
) -> tuple[list[Staged], dict[str, int]]:
    """Read and check every extract into temp tables; each problem found is added to
    ``problems``. Returns the staged extracts (for :func:`incoming_records_sql`, when there were
    no problems) and each source's count of records. ``progress`` is told each extract's source
    as its reading starts. ``set_aside_repeats`` (or a mapping's ``repeated_ids: set_aside``)
    sets the rows of a repeated id aside in ``ingest_set_aside`` instead of refusing the extract.
    """
    run(
        con,
        "CREATE OR REPLACE TEMP TABLE ingest_set_aside (source_order INTEGER, source VARCHAR, "
        "source_id VARCHAR, row BIGINT, reason VARCHAR)",
    )
    run(
        con,
        "CREATE OR REPLACE TEMP TABLE ingest_dates (source_order INTEGER, field VARCHAR, "
        "text VARCHAR, value DATE, error VARCHAR)",
    )
    run(
        con,
        "CREATE OR REPLACE TEMP TABLE ingest_names (source_order INTEGER, full_name VARCHAR, "
        "first_name VARCHAR, middle_names VARCHAR, last_name VARCHAR)",
    )
    staged_extracts, counts = [], {}
    for order, mapping in enumerate(mappings):
        if progress:
            progress(f"reading {mapping.source}")
        needed = list(dict.fromkeys(c for columns in mapping.columns.values() for c in columns))
        staged = Staged(
            order, mapping, needed, set_aside_repeats or mapping.repeated_ids == "set_aside"
        )
        found = Found()
        counts[mapping.source] = 0
        try:
            _stage_source(con, staged, found)
        except Unreadable as error:
            problems.append(error.problem)
            run(con, f"DROP TABLE IF EXISTS {staged.table}")
            continue
        _parse_distinct(con, staged)
        _row_problems(con, staged, found)
        counts[mapping.source] = scalar(
            con,
            f"SELECT count(DISTINCT source_id) FROM {staged.fields} WHERE source_id NOT IN "
            f"(SELECT source_id FROM ingest_set_aside WHERE source_order = {order})",
        )
        found.keep_first()
        problems.extend(problem for _, _, problem in found.problems)
        if found.more:
            problems.append(Problem(mapping.source, f"{found.more} more problems not listed"))
        staged_extracts.append(staged)
    return staged_extracts, counts


def incoming_records_sql(con: duckdb.DuckDBPyConnection, staged_extracts: list[Staged]) -> str:
    """The staged records in the records table's shape, in the extracts' order (full names
    parsed first: call only when staging found no problem)."""
    selects = []
    for staged in staged_extracts:
        _parse_names(con, staged)
        source = staged.mapping.source
        joins, names = [], ["v.first_name", "v.middle_names", "v.last_name"]
        if staged.parses_names:
            joins.append(
                f"LEFT JOIN ingest_names n ON n.source_order = {staged.order} "
                "AND n.full_name = v.full_name"
            )
            names = [
                f"CASE WHEN v.full_name IS NULL THEN v.{name} ELSE n.{name} END"
                for name in ("first_name", "middle_names", "last_name")
            ]
        dates = {}
        for name in DATE_FIELDS:
            if name in staged.date_fields:
                joins.append(
                    f"LEFT JOIN ingest_dates d_{name} ON d_{name}.source_order = {staged.order} "
                    f"AND d_{name}.field = '{name}' AND d_{name}.text = v.{name}_text"
                )
                dates[name] = f"coalesce(v.{name}_date, d_{name}.value)"
            else:
                dates[name] = "NULL::DATE"
        selects.append(
            f"SELECT {staged.order} AS source_order, v.row, '{source}:' || v.source_id, "
            f"'{source}', v.source_id, {', '.join(names)}, v.full_name, {dates['dob']}, v.sex, "
            "v.address, v.postcode, v.uprn, v.phone, v.email, v.ni_number, "
            f"{dates['last_seen']} FROM {staged.fields} v {' '.join(joins)} "
            f"WHERE v.source_id NOT IN (SELECT source_id FROM ingest_set_aside "
            f"WHERE source_order = {staged.order})"
        )
    columns = ", ".join(COLUMNS)
    if not selects:
        return f"SELECT * FROM {RECORDS_TABLE} WHERE false"
    union = " UNION ALL ".join(selects)
    return (
        f"SELECT * EXCLUDE (source_order, row) FROM ({union}) "
        f"AS incoming (source_order, row, {columns}) ORDER BY source_order, row"
    )


def drop_staging(con: duckdb.DuckDBPyConnection, staged_extracts: list[Staged]) -> None:
    for staged in staged_extracts:
        run(con, f"DROP TABLE IF EXISTS {staged.table}")
    run(con, "DROP TABLE IF EXISTS ingest_dates")
    run(con, "DROP TABLE IF EXISTS ingest_names")
    run(con, "DROP TABLE IF EXISTS ingest_set_aside")
