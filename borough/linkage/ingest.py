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

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from .db import memory_limit, run, scalar, transaction
from .mapping import IngestError, Problem, load_mappings
from .quality import SET_ASIDE_TABLE
from .schema import RECORDS_DDL, RECORDS_TABLE
from .staging import Staged, drop_staging, incoming_records_sql, stage_extracts

#: A source whose extract has fewer than this share of its last load's records is refused.
SHRINK_LIMIT = 0.5


@dataclass(frozen=True)
class IngestSummary:
    records_by_source: dict[str, int]
    set_aside: int = 0  # rows not loaded because their id repeats (``dq_set_aside``)

    @property
    def total(self) -> int:
        return sum(self.records_by_source.values())


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
    set_aside_repeats: bool = False,
    progress: Callable[[str], None] | None = None,
) -> IngestSummary:
    """Replace the records table with the extracts the mappings describe, or raise
    ``IngestError`` and leave the database as it was.

    An extract with fewer than half the records of that source's last load is refused unless
    ``force``: a truncated file must not dissolve thousands of people. ``progress`` is told each
    step as it starts (each extract's reading, then writing the records).

    A row whose id another row of the extract repeats refuses the load, unless
    ``set_aside_repeats`` (or the mapping's ``repeated_ids: set_aside``): then every row of that
    id is left out and listed in ``dq_set_aside`` (source, id, row, reason), and the rest load.
    """
    problems: list[Problem] = []
    mappings = load_mappings(mapping_files, problems)
    sources = [mapping.source for mapping in mappings]
    for source in {source for source in sources if sources.count(source) > 1}:
        problems.append(Problem(source, "two mappings name this source"))
    if not mappings and not problems:
        problems.append(Problem("ingest", "no mapping files given"))
    staged: list[Staged] = []
    try:
        with memory_limit(con):
            staged, counts = stage_extracts(
                con, mappings, problems, progress=progress, set_aside_repeats=set_aside_repeats
            )
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
            if progress:
                progress("writing the records table")
            incoming = incoming_records_sql(con, staged)
            with transaction(con):
                run(con, f"DROP TABLE IF EXISTS {RECORDS_TABLE}")
                run(con, RECORDS_DDL)
                run(con, f"INSERT INTO {RECORDS_TABLE} {incoming}")
                con.executemany(
                    "INSERT INTO source_loads VALUES (?, ?, current_timestamp)",
                    list(counts.items()),
                )
                run(
                    con,
                    f"CREATE OR REPLACE TABLE {SET_ASIDE_TABLE} AS SELECT source, source_id, row, "
                    "reason FROM ingest_set_aside ORDER BY source_order, row",
                )
            set_aside = scalar(con, f"SELECT count(*) FROM {SET_ASIDE_TABLE}")
    finally:
        drop_staging(con, staged)
    return IngestSummary(records_by_source=counts, set_aside=set_aside)
