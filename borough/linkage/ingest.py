"""Load source extracts (CSV or Parquet), each described by a YAML mapping, into one DuckDB table.

A mapping says where the extract is and which of its columns fill which field of the person
schema (``schema.PersonRecord``)::

    source: council_tax            # letters, digits and underscores
    path: council_tax.csv          # relative to the mapping file
    encoding: utf-8                # CSV only; utf-8 unless said
    name_format: "LAST, First"     # how full_name is written when there are no name parts
    date_formats:                  # strftime codes; every known format when left out
      dob: "%d/%m/%Y"
    columns:
      source_id: Account Ref
      full_name: Name
      dob: Date of Birth
      address: [Address 1, Address 2, Town]   # several columns joined with ", "
      postcode: Post Code

Loading is all or nothing: every problem in every extract (a mapped column missing, a date that
does not read, a row with the wrong number of fields, a repeated id, an unreadable file) is
collected and reported with the source, row and column, and nothing is written. Row numbers are
the file's line numbers, so row 2 is the first record under the header, as a spreadsheet shows it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import yaml

from .db import run
from .schema import COLUMNS, DATE_FIELDS, MAPPABLE_FIELDS, RECORDS_DDL, RECORDS_TABLE
from .standardise import parse_date, parse_name

NAME_FORMATS = ("First Last", "LAST, First")
#: A source whose extract has fewer than this share of its last load's records is refused.
SHRINK_LIMIT = 0.5
MAX_PROBLEMS_SHOWN = 50


@dataclass(frozen=True, slots=True)
class Problem:
    source: str
    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = [self.source]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}"


class IngestError(Exception):
    """The extracts cannot be loaded; nothing was written. ``problems`` says where and why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = "\n".join(f"  - {problem}" for problem in problems[:MAX_PROBLEMS_SHOWN])
        more = len(problems) - MAX_PROBLEMS_SHOWN
        extra = f"\n  ... and {more} more" if more > 0 else ""
        super().__init__(f"Nothing was loaded: {len(problems)} problem(s)\n{shown}{extra}")


@dataclass
class Mapping:
    source: str
    path: Path
    columns: dict[str, list[str]]
    file_format: str = "csv"
    encoding: str = "utf-8"
    delimiter: str = ","
    name_format: str = "First Last"
    date_formats: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def load(cls, mapping_file: str | Path) -> Mapping:
        """Read and check a mapping file; ``IngestError`` if it is not a usable mapping."""
        mapping_file = Path(mapping_file)
        label = mapping_file.name
        try:
            data = yaml.safe_load(mapping_file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
            raise IngestError([Problem(label, f"cannot read the mapping: {error}")]) from error
        if not isinstance(data, dict):
            raise IngestError([Problem(label, "the mapping is not a YAML mapping of keys")])
        problems = []
        source = str(data.get("source") or "")
        if not re.fullmatch(r"[a-z][a-z0-9_]*", source):
            problems.append(
                Problem(label, "'source' must be lower-case letters, digits and underscores")
            )
            source = label
        if not data.get("path"):
            problems.append(Problem(source, "the mapping has no 'path' to the extract"))
        columns: dict[str, list[str]] = {}
        raw_columns = data.get("columns")
        if not isinstance(raw_columns, dict):
            problems.append(Problem(source, "the mapping has no 'columns'"))
            raw_columns = {}
        for schema_field, column in raw_columns.items():
            if schema_field not in MAPPABLE_FIELDS:
                allowed = ", ".join(sorted(MAPPABLE_FIELDS))
                problems.append(
                    Problem(source, f"{schema_field!r} is not a schema field (one of {allowed})")
                )
            elif isinstance(column, str) and column:
                columns[schema_field] = [column]
            elif isinstance(column, list) and column and all(isinstance(c, str) for c in column):
                columns[schema_field] = column
            else:
                problems.append(Problem(source, f"{schema_field!r} must name a column or a list"))
        if "source_id" not in columns:
            problems.append(Problem(source, "'source_id' must be mapped to the extract's own id"))
        name_format = data.get("name_format", "First Last")
        if name_format not in NAME_FORMATS:
            problems.append(
                Problem(source, f"name_format {name_format!r} is not one of {NAME_FORMATS}")
            )
        date_formats = {}
        for date_field, formats in (data.get("date_formats") or {}).items():
            if date_field not in DATE_FIELDS:
                problems.append(Problem(source, f"{date_field!r} is not a date field"))
                continue
            date_formats[date_field] = (formats,) if isinstance(formats, str) else tuple(formats)
        path = mapping_file.parent / str(data.get("path") or "")
        file_format = str(data.get("format") or path.suffix.lstrip(".").lower())
        if file_format not in ("csv", "parquet"):
            problems.append(Problem(source, f"format {file_format!r} is not csv or parquet"))
        if problems:
            raise IngestError(problems)
        return cls(
            source=source,
            path=path,
            columns=columns,
            file_format=file_format,
            encoding=str(data.get("encoding") or "utf-8"),
            delimiter=str(data.get("delimiter") or ","),
            name_format=name_format,
            date_formats=date_formats,
        )


@dataclass(frozen=True)
class IngestSummary:
    records_by_source: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.records_by_source.values())


# --- reading extracts --------------------------------------------------------------------------
def _csv_rows(mapping: Mapping, problems: list[Problem]) -> Iterator[tuple[int, dict]]:
    try:
        raw = mapping.path.read_bytes()
    except OSError as error:
        problems.append(Problem(mapping.source, f"cannot read {mapping.path}: {error.strerror}"))
        return
    try:
        text = raw.decode(mapping.encoding)
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        problems.append(
            Problem(
                mapping.source,
                f"the file is not valid {mapping.encoding} (byte {error.start}); "
                "set 'encoding' in the mapping",
                row=line,
            )
        )
        return
    except LookupError:
        problems.append(Problem(mapping.source, f"unknown encoding {mapping.encoding!r}"))
        return
    reader = csv.reader(
        io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=mapping.delimiter
    )
    try:
        header = next(reader)
    except StopIteration:
        problems.append(Problem(mapping.source, f"{mapping.path.name} is empty"))
        return
    except csv.Error as error:
        problems.append(Problem(mapping.source, f"not a CSV file: {error}", row=1))
        return
    header = [name.strip() for name in header]
    if not _check_columns(mapping, header, problems):
        return
    try:
        for values in reader:
            row = reader.line_num
            if not any(value.strip() for value in values):
                continue
            if len(values) != len(header):
                problems.append(
                    Problem(
                        mapping.source,
                        f"{len(values)} fields where the header has {len(header)}",
                        row=row,
                    )
                )
                continue
            yield row, dict(zip(header, values, strict=True))
    except csv.Error as error:
        problems.append(Problem(mapping.source, f"not a CSV file: {error}", row=reader.line_num))


def _parquet_rows(mapping: Mapping, problems: list[Problem]) -> Iterator[tuple[int, dict]]:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(mapping.path)
    except (OSError, pa.ArrowException) as error:
        problems.append(Problem(mapping.source, f"cannot read {mapping.path.name}: {error}"))
        return
    if not _check_columns(mapping, table.column_names, problems):
        return
    for index, values in enumerate(table.to_pylist()):
        yield index + 2, values


def _check_columns(mapping: Mapping, header: list[str], problems: list[Problem]) -> bool:
    present = set(header)
    missing = [
        column
        for columns in mapping.columns.values()
        for column in columns
        if column not in present
    ]
    for column in missing:
        problems.append(
            Problem(mapping.source, "the mapped column is not in the extract", row=1, column=column)
        )
    return not missing


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def read_source(mapping: Mapping, problems: list[Problem]) -> list[dict]:
    """The extract's records in the schema; each problem found is added to ``problems``."""
    rows = _parquet_rows if mapping.file_format == "parquet" else _csv_rows
    records, seen = [], {}
    has_name_parts = {"first_name", "last_name"} & mapping.columns.keys()
    for row, values in rows(mapping, problems):
        record: dict = dict.fromkeys(COLUMNS)
        record["source"] = mapping.source
        for schema_field, columns in mapping.columns.items():
            if schema_field in DATE_FIELDS:
                raw = values[columns[0]]
                try:
                    record[schema_field] = parse_date(
                        raw if isinstance(raw, dt.date) else _text(raw),
                        mapping.date_formats.get(schema_field),
                    )
                except ValueError as error:
                    problems.append(Problem(mapping.source, str(error), row, columns[0]))
            else:
                parts = [_text(values[column]) for column in columns]
                record[schema_field] = ", ".join(part for part in parts if part) or None
        source_id = record["source_id"]
        if source_id is None:
            problems.append(Problem(mapping.source, "no id", row, mapping.columns["source_id"][0]))
            continue
        if source_id in seen:
            problems.append(
                Problem(
                    mapping.source,
                    f"id {source_id!r} is also on row {seen[source_id]}",
                    row,
                    mapping.columns["source_id"][0],
                )
            )
            continue
        seen[source_id] = row
        if record["full_name"] and not has_name_parts:
            parsed = parse_name(record["full_name"], mapping.name_format)
            record["first_name"] = parsed.first_name
            record["middle_names"] = parsed.middle_names
            record["last_name"] = parsed.last_name
        record["record_id"] = f"{mapping.source}:{source_id}"
        records.append(record)
    return records


# --- loading -----------------------------------------------------------------------------------
def _arrow_table(records: list[dict]) -> pa.Table:
    arrow_schema = pa.schema(
        [(name, pa.date32() if name in DATE_FIELDS else pa.string()) for name in COLUMNS]
    )
    return pa.Table.from_pylist(records, schema=arrow_schema)


def _previous_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    run(
        con,
        "CREATE TABLE IF NOT EXISTS source_loads "
        "(source VARCHAR, records INTEGER, loaded_at TIMESTAMP)",
    )
    rows = run(con, "SELECT source, arg_max(records, loaded_at) FROM source_loads GROUP BY source")
    return dict(rows)


def ingest(
    mapping_files: Iterable[str | Path],
    con: duckdb.DuckDBPyConnection,
    *,
    force: bool = False,
) -> IngestSummary:
    """Replace the records table with the extracts the mappings describe, or raise
    ``IngestError`` and leave the database as it was.

    An extract with fewer than half the records of that source's last load is refused unless
    ``force``: a truncated file must not dissolve thousands of people.
    """
    problems: list[Problem] = []
    mappings: list[Mapping] = []
    for mapping_file in mapping_files:
        try:
            mappings.append(Mapping.load(mapping_file))
        except IngestError as error:
            problems.extend(error.problems)
    sources = [mapping.source for mapping in mappings]
    for source in {source for source in sources if sources.count(source) > 1}:
        problems.append(Problem(source, "two mappings name this source"))
    if not mappings and not problems:
        problems.append(Problem("ingest", "no mapping files given"))
    records: list[dict] = []
    counts: dict[str, int] = {}
    for mapping in mappings:
        source_records = read_source(mapping, problems)
        counts[mapping.source] = len(source_records)
        records.extend(source_records)
    previous = _previous_counts(con)
    for source, count in counts.items():
        if not force and source in previous and count < previous[source] * SHRINK_LIMIT:
            problems.append(
                Problem(
                    source,
                    f"{count} records where the last load had {previous[source]}; "
                    "if the extract really is this small, load it with --force",
                )
            )
    if problems:
        raise IngestError(problems)
    table = _arrow_table(records)
    run(con, "BEGIN TRANSACTION")
    try:
        run(con, f"DROP TABLE IF EXISTS {RECORDS_TABLE}")
        run(con, RECORDS_DDL)
        con.register("incoming_records", table)
        run(con, f"INSERT INTO {RECORDS_TABLE} SELECT * FROM incoming_records")
        con.unregister("incoming_records")
        con.executemany(
            "INSERT INTO source_loads VALUES (?, ?, current_timestamp)",
            list(counts.items()),
        )
        run(con, "COMMIT")
    except Exception:
        run(con, "ROLLBACK")
        raise
    return IngestSummary(records_by_source=counts)
