"""A source's mapping: where its extract is and which of its columns fill which field of the
person schema (the format is described in ``ingest``), and the problems found in it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .schema import DATE_FIELDS, MAPPABLE_FIELDS

NAME_FORMATS = ("First Last", "LAST, First")
#: What to do with rows that repeat an id: refuse the extract (default) or set them aside.
REPEATED_IDS = ("refuse", "set_aside")
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
    repeated_ids: str = "refuse"

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
        repeated_ids = str(data.get("repeated_ids") or "refuse")
        if repeated_ids not in REPEATED_IDS:
            problems.append(
                Problem(source, f"repeated_ids {repeated_ids!r} is not one of {REPEATED_IDS}")
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
            repeated_ids=repeated_ids,
        )


def load_mappings(mapping_files: Iterable[str | Path], problems: list[Problem]) -> list[Mapping]:
    mappings: list[Mapping] = []
    for mapping_file in mapping_files:
        try:
            mappings.append(Mapping.load(mapping_file))
        except IngestError as error:
            problems.extend(error.problems)
    return mappings
