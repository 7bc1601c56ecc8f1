"""Reading an extract (CSV or Parquet) a batch of rows at a time, as Arrow arrays of text, with
every problem found on the way (a missing column, a row with the wrong number of fields, a byte
that is not the file's encoding)."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from itertools import chain, islice
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .dates import parse_date
from .mapping import Mapping, Problem

# An extract is read a batch of rows at a time into a DuckDB temp table of its mapped columns'
# text (Arrow arrays, no Python object per row). The checks that need every row (blank and
# repeated ids, dates) are then SQL over that table, and dates and full names are parsed once per
# distinct value, not once per row.
BATCH_ROWS = 100_000
#: Problems listed per extract; past this many they are counted, not listed.
MAX_PROBLEMS_PER_SOURCE = 1000


class Unreadable(Exception):
    """The extract cannot be read at all: its one problem replaces any others found in it."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class Found:
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


def text_array(array: pa.Array) -> pa.Array:
    """An extract's column as trimmed text, blank -> null (``_text`` for a whole column)."""
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
        trimmed = pc.utf8_trim(array.cast(pa.string()), characters=_whitespace())
        return pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)
    return pa.array([_text(value) for value in array.to_pylist()], pa.string())


def date_arrays(array: pa.Array) -> tuple[pa.Array, pa.Array]:
    """A date column as (text still to parse, dates the extract already typed as dates)."""
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
        return text_array(array), pa.nulls(len(array), pa.date32())
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


def _csv_batches(mapping: Mapping, needed: list[str], found: Found) -> Iterator[tuple]:
    """(file line numbers, {column: text}) a batch at a time."""
    try:
        handle = mapping.path.open(encoding=mapping.encoding, newline="")
    except OSError as error:
        raise Unreadable(
            Problem(mapping.source, f"cannot read {mapping.path}: {error.strerror}")
        ) from error
    except LookupError as error:
        raise Unreadable(
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
            raise Unreadable(
                Problem(
                    mapping.source,
                    f"the file is not valid {mapping.encoding} (byte {byte}); "
                    "set 'encoding' in the mapping",
                    row=_line_of_byte(mapping.path, byte),
                )
            ) from error


def _csv_batches_in(handle, mapping: Mapping, needed: list[str], found: Found) -> Iterator:
    first = next(handle, "").removeprefix("\ufeff")
    reader = csv.reader(chain([first] if first else [], handle), delimiter=mapping.delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise Unreadable(Problem(mapping.source, f"{mapping.path.name} is empty")) from None
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


def _whole_rows(mapping: Mapping, rows, lines, width: int, found: Found) -> tuple:
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
        blank = text_array(columns[needed[position]]).is_null()
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


def _parquet_batches(mapping: Mapping, needed: list[str], found: Found) -> Iterator[tuple]:
    def unreadable(error: Exception) -> Unreadable:
        return Unreadable(Problem(mapping.source, f"cannot read {mapping.path.name}: {error}"))

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


def _check_columns(mapping: Mapping, header: list[str], found: Found) -> bool:
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


def read_batches(mapping: Mapping, needed: list[str], found: Found) -> Iterator[tuple]:
    """(file line numbers, {column: array}) a batch at a time, from the extract's own format."""
    read = _parquet_batches if mapping.file_format == "parquet" else _csv_batches
    return read(mapping, needed, found)
