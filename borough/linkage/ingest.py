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

import codecs
import csv
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from itertools import chain, islice
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import yaml

from .db import memory_limit, run, scalar, transaction
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
# An extract is read a batch of rows at a time into a DuckDB temp table of its mapped columns'
# text (Arrow arrays, no Python object per row). The checks that need every row (blank and
# repeated ids, dates) are then SQL over that table, and dates and full names are parsed once per
# distinct value, not once per row.
BATCH_ROWS = 100_000
#: Problems listed per extract; past this many they are counted, not listed.
MAX_PROBLEMS_PER_SOURCE = 1000
_ID_CHECK = 1000  # after the date checks of the same row, as a row's problems are listed


class _Unreadable(Exception):
    """The extract cannot be read at all: its one problem replaces any others found in it."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class _Found:
    """Problems found while reading one extract, as (row, order in row, problem)."""

    problems: list[tuple[int, int, Problem]] = field(default_factory=list)
    more: int = 0

    def add(self, problem: Problem, order: int = 0) -> None:
        self.problems.append((problem.row or 0, order, problem))
        if len(self.problems) > 2 * MAX_PROBLEMS_PER_SOURCE:
            self.keep_first()

    def keep_first(self) -> None:
        """Only the first problems by row are listed; the others are counted."""
        self.problems.sort(key=lambda found: found[:2])
        self.more += max(0, len(self.problems) - MAX_PROBLEMS_PER_SOURCE)
        del self.problems[MAX_PROBLEMS_PER_SOURCE:]


@cache
def _whitespace() -> str:
    """Every character ``str.strip()`` removes, so Arrow trims text exactly as Python does."""
    return "".join(char for char in map(chr, range(0x110000)) if char.isspace())


def _text_array(array: pa.Array) -> pa.Array:
    """An extract's column as trimmed text, blank -> null (``_text`` for a whole column)."""
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
        trimmed = pc.utf8_trim(array.cast(pa.string()), characters=_whitespace())
        return pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)
    return pa.array([_text(value) for value in array.to_pylist()], pa.string())


def _date_arrays(array: pa.Array) -> tuple[pa.Array, pa.Array]:
    """A date column as (text still to parse, dates the extract already typed as dates)."""
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
        return _text_array(array), pa.nulls(len(array), pa.date32())
    texts, dates = [], []
    for value in array.to_pylist():
        is_date = isinstance(value, dt.date)
        texts.append(None if is_date else _text(value))
        dates.append(parse_date(value) if is_date else None)
    return pa.array(texts, pa.string()), pa.array(dates, pa.date32())


def _undecodable_byte(path: Path, encoding: str) -> int:
    """The offset of the first byte that is not valid ``encoding``."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                return offset - pending + error.start
            offset += len(chunk)
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as error:
            return offset - pending + error.start
    return offset


def _line_of_byte(path: Path, offset: int) -> int:
    newlines = 0
    with path.open("rb") as handle:
        while offset > 0 and (chunk := handle.read(min(1 << 20, offset))):
            newlines += chunk.count(b"\n")
            offset -= len(chunk)
    return newlines + 1


def _csv_batches(mapping: Mapping, needed: list[str], found: _Found) -> Iterator[tuple]:
    """(file line numbers, {column: text}) a batch at a time."""
    try:
        handle = mapping.path.open(encoding=mapping.encoding, newline="")
    except OSError as error:
        raise _Unreadable(
            Problem(mapping.source, f"cannot read {mapping.path}: {error.strerror}")
        ) from error
    except LookupError as error:
        raise _Unreadable(
            Problem(mapping.source, f"unknown encoding {mapping.encoding!r}")
        ) from error
    with handle:
        try:
            yield from _csv_batches_in(handle, mapping, needed, found)
            # A wrong byte anywhere makes the file unreadable, even after a row it stopped at.
            for _line in handle:
                pass
        except UnicodeDecodeError as error:
            byte = _undecodable_byte(mapping.path, mapping.encoding)
            raise _Unreadable(
                Problem(
                    mapping.source,
                    f"the file is not valid {mapping.encoding} (byte {byte}); "
                    "set 'encoding' in the mapping",
                    row=_line_of_byte(mapping.path, byte),
                )
            ) from error


def _csv_batches_in(handle, mapping: Mapping, needed: list[str], found: _Found) -> Iterator:
    first = next(handle, "").removeprefix("\ufeff")
    reader = csv.reader(chain([first] if first else [], handle), delimiter=mapping.delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise _Unreadable(Problem(mapping.source, f"{mapping.path.name} is empty")) from None
    except csv.Error as error:
        found.add(Problem(mapping.source, f"not a CSV file: {error}", row=1))
        return
    header = [name.strip() for name in header]
    if not _check_columns(mapping, header, found):
        return
    width = len(header)
    position = {name: index for index, name in enumerate(header)}  # a repeated name: the last
    indices = [position[column] for column in needed]
    id_columns = [needed.index(column) for column in mapping.columns["source_id"]]
    while True:
        chunk: list[tuple[list[str], int]] = []
        stopped = False
        try:
            chunk.extend((values, reader.line_num) for values in islice(reader, BATCH_ROWS))
        except csv.Error as error:
            found.add(Problem(mapping.source, f"not a CSV file: {error}", row=reader.line_num))
            stopped = True
        if chunk:
            rows, lines = zip(*chunk, strict=True)
            if set(map(len, rows)) != {width}:
                rows, lines = _whole_rows(mapping, rows, lines, width, found)
            if rows:
                yield _csv_batch(rows, lines, indices, needed, id_columns)
        if stopped or len(chunk) < BATCH_ROWS:
            return


def _whole_rows(mapping: Mapping, rows, lines, width: int, found: _Found) -> tuple:
    """The rows with as many fields as the header; the others are problems unless blank."""
    kept_rows, kept_lines = [], []
    for values, line in zip(rows, lines, strict=True):
        if len(values) == width:
            kept_rows.append(values)
            kept_lines.append(line)
        elif any(value.strip() for value in values):
            found.add(
                Problem(
                    mapping.source, f"{len(values)} fields where the header has {width}", row=line
                )
            )
    return kept_rows, kept_lines


def _csv_batch(rows, lines, indices, needed, id_columns) -> tuple:
    by_column = list(zip(*rows, strict=True))
    columns = {
        name: pa.array(by_column[index], pa.string())
        for name, index in zip(needed, indices, strict=True)
    }
    line_numbers = pa.array(lines, pa.int64())
    # A row of blank fields is skipped; its id is blank, so only rows without an id are looked at.
    no_id = None
    for position in id_columns:
        blank = _text_array(columns[needed[position]]).is_null()
        no_id = blank if no_id is None else pc.and_(no_id, blank)
    if no_id is not None and pc.any(no_id).as_py():
        keep = [
            not no_id_here or any(value.strip() for value in row)
            for row, no_id_here in zip(rows, no_id.to_pylist(), strict=True)
        ]
        mask = pa.array(keep)
        line_numbers = line_numbers.filter(mask)
        columns = {name: array.filter(mask) for name, array in columns.items()}
    return line_numbers, columns


def _parquet_batches(mapping: Mapping, needed: list[str], found: _Found) -> Iterator[tuple]:
    import pyarrow.parquet as pq

    def unreadable(error: Exception) -> _Unreadable:
        return _Unreadable(Problem(mapping.source, f"cannot read {mapping.path.name}: {error}"))

    try:
        extract = pq.ParquetFile(mapping.path)
        names = extract.schema_arrow.names
    except (OSError, pa.ArrowException) as error:
        raise unreadable(error) from error
    if not _check_columns(mapping, names, found):
        return
    row = 2
    try:
        for batch in extract.iter_batches(batch_size=BATCH_ROWS, columns=needed):
            lines = pa.array(range(row, row + batch.num_rows), pa.int64())
            row += batch.num_rows
            yield lines, {name: batch.column(name) for name in needed}
    except (OSError, pa.ArrowException) as error:
        raise unreadable(error) from error


def _check_columns(mapping: Mapping, header: list[str], found: _Found) -> bool:
    present = set(header)
    missing = [
        column
        for columns in mapping.columns.values()
        for column in columns
        if column not in present
    ]
    for column in missing:
        found.add(
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


@dataclass
class _Staged:
    """One extract read into the temp table ``ingest_stage_<order>``."""

    order: int
    mapping: Mapping
    needed: list[str]  # the extract's columns read, as columns c0, c1, ... of the table

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


def _stage_batch(staged: _Staged, lines: pa.Array, columns: dict[str, pa.Array]) -> pa.Table:
    arrays, names = [lines], ["row"]
    date_columns = {staged.mapping.columns[name][0]: name for name in staged.date_fields}
    for index, column in enumerate(staged.needed):
        arrays.append(_text_array(columns[column]))
        names.append(f"c{index}")
    for column, name in date_columns.items():
        texts, dates = _date_arrays(columns[column])
        arrays += [texts, dates]
        names += [f"{name}_text", f"{name}_date"]
    return pa.Table.from_arrays(arrays, names=names)


def _stage_source(con, staged: _Staged, found: _Found) -> None:
    mapping = staged.mapping
    columns = [f"c{index} VARCHAR" for index in range(len(staged.needed))]
    for name in staged.date_fields:
        columns += [f"{name}_text VARCHAR", f"{name}_date DATE"]
    run(con, f"CREATE OR REPLACE TEMP TABLE {staged.table} (row BIGINT, {', '.join(columns)})")
    read = _parquet_batches if mapping.file_format == "parquet" else _csv_batches
    for lines, arrays in read(mapping, staged.needed, found):
        con.register("ingest_batch", _stage_batch(staged, lines, arrays))
        try:
            run(con, f"INSERT INTO {staged.table} SELECT * FROM ingest_batch")
        finally:
            con.unregister("ingest_batch")


def _parse_distinct(con, staged: _Staged) -> None:
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
            values, dates, errors = batch.column(0).to_pylist(), [], []
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


def _parse_names(con, staged: _Staged) -> None:
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


def _row_problems(con, staged: _Staged, found: _Found) -> None:
    """Unreadable dates, blank ids and repeated ids, by row."""
    mapping, fields = staged.mapping, staged.fields
    order_in_row = {name: index for index, name in enumerate(mapping.columns)}
    checks = [
        f"SELECT v.row, {order_in_row[name]} AS check_order, '{name}' AS field, d.error AS detail, "
        f"NULL::BIGINT AS first_row FROM {fields} v JOIN ingest_dates d "
        f"ON d.source_order = {staged.order} AND d.field = '{name}' AND d.text = v.{name}_text "
        "WHERE d.error IS NOT NULL"
        for name in staged.date_fields
    ]
    checks.append(
        f"SELECT row, {_ID_CHECK}, 'source_id', NULL, NULL FROM {fields} v WHERE source_id IS NULL"
    )
    checks.append(
        f"SELECT v.row, {_ID_CHECK}, 'source_id', v.source_id, f.first_row FROM {fields} v JOIN "
        f"(SELECT source_id, min(row) AS first_row FROM {fields} v WHERE source_id IS NOT NULL "
        "GROUP BY source_id HAVING count(*) > 1) f USING (source_id) WHERE v.row > f.first_row"
    )
    rows = run(
        con,
        f"SELECT *, count(*) OVER () FROM ({' UNION ALL '.join(checks)}) "
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
    con: duckdb.DuckDBPyConnection, mappings: list[Mapping], problems: list[Problem]
) -> tuple[list[_Staged], dict[str, int]]:
    """Read and check every extract into temp tables; each problem found is added to
    ``problems``. Returns the staged extracts (for :func:`incoming_records_sql`, when there were
    no problems) and each source's count of records."""
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
        needed = list(dict.fromkeys(c for columns in mapping.columns.values() for c in columns))
        staged = _Staged(order, mapping, needed)
        found = _Found()
        counts[mapping.source] = 0
        try:
            _stage_source(con, staged, found)
        except _Unreadable as error:
            problems.append(error.problem)
            run(con, f"DROP TABLE IF EXISTS {staged.table}")
            continue
        _parse_distinct(con, staged)
        _row_problems(con, staged, found)
        counts[mapping.source] = scalar(
            con, f"SELECT count(DISTINCT source_id) FROM {staged.fields}"
        )
        found.keep_first()
        problems.extend(problem for _, _, problem in found.problems)
        if found.more:
            problems.append(Problem(mapping.source, f"{found.more} more problems not listed"))
        staged_extracts.append(staged)
    return staged_extracts, counts


def incoming_records_sql(con: duckdb.DuckDBPyConnection, staged_extracts: list[_Staged]) -> str:
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
            f"{dates['last_seen']} FROM {staged.fields} v {' '.join(joins)}"
        )
    columns = ", ".join(COLUMNS)
    if not selects:
        return f"SELECT * FROM {RECORDS_TABLE} WHERE false"
    union = " UNION ALL ".join(selects)
    return (
        f"SELECT * EXCLUDE (source_order, row) FROM ({union}) "
        f"AS incoming (source_order, row, {columns}) ORDER BY source_order, row"
    )


def drop_staging(con: duckdb.DuckDBPyConnection, staged_extracts: list[_Staged]) -> None:
    for staged in staged_extracts:
        run(con, f"DROP TABLE IF EXISTS {staged.table}")
    run(con, "DROP TABLE IF EXISTS ingest_dates")
    run(con, "DROP TABLE IF EXISTS ingest_names")


# --- loading -----------------------------------------------------------------------------------
def load_mappings(mapping_files: Iterable[str | Path], problems: list[Problem]) -> list[Mapping]:
    mappings: list[Mapping] = []
    for mapping_file in mapping_files:
        try:
            mappings.append(Mapping.load(mapping_file))
        except IngestError as error:
            problems.extend(error.problems)
    return mappings


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
    mappings = load_mappings(mapping_files, problems)
    sources = [mapping.source for mapping in mappings]
    for source in {source for source in sources if sources.count(source) > 1}:
        problems.append(Problem(source, "two mappings name this source"))
    if not mappings and not problems:
        problems.append(Problem("ingest", "no mapping files given"))
    staged: list[_Staged] = []
    try:
        with memory_limit(con):
            staged, counts = stage_extracts(con, mappings, problems)
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
            incoming = incoming_records_sql(con, staged)
            with transaction(con):
                run(con, f"DROP TABLE IF EXISTS {RECORDS_TABLE}")
                run(con, RECORDS_DDL)
                run(con, f"INSERT INTO {RECORDS_TABLE} {incoming}")
                con.executemany(
                    "INSERT INTO source_loads VALUES (?, ?, current_timestamp)",
                    list(counts.items()),
                )
    finally:
        drop_staging(con, staged)
    return IngestSummary(records_by_source=counts)
