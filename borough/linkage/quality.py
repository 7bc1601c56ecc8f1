"""Data quality found by linking: duplicates inside a system, and systems that disagree.

``dq_duplicates``: the same person more than once in one source system (the records' ids,
comma-separated), so that system's team can merge them.
``dq_conflicts``: a field on which one person's records in different systems hold different
values (first name compared by its canonical form, so Bill and William do not conflict), with
the values and the sources holding each as JSON lists.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from .db import run, scalar
from .schema import CLEAN_TABLE

DUPLICATES_TABLE = "dq_duplicates"
SET_ASIDE_TABLE = "dq_set_aside"  # written by ingest
CONFLICTS_TABLE = "dq_conflicts"
#: field -> the expression compared (and shown).
CONFLICT_FIELDS = {
    "first_name": "c.first_name_canonical",
    "last_name": "c.last_name",
    "dob": "strftime(c.dob, '%Y-%m-%d')",
    "sex": "c.sex",
    "ni_number": "c.ni_number",
    "postcode": "c.postcode",
}


def build_quality(con: duckdb.DuckDBPyConnection, *, only: str | None = None) -> tuple[int, int]:
    """Write both tables for the latest run. Returns (duplicates, conflicts).

    ``only`` names a table of person_ids (an incremental run's touched people): just their rows
    are replaced."""
    latest = scalar(con, "SELECT max(run_id) FROM person_ids") or 0
    scope = f"AND p.person_id IN (SELECT person_id FROM {only})" if only else ""
    duplicates_sql = f"""
        SELECT c.source, p.person_id, count(*)::INTEGER AS records,
               string_agg(c.unique_id, ',' ORDER BY c.unique_id) AS record_ids
        FROM person_ids p JOIN {CLEAN_TABLE} c USING (unique_id)
        WHERE p.run_id = {latest} {scope}
        GROUP BY c.source, p.person_id HAVING count(*) > 1
        ORDER BY c.source, p.person_id
    """
    # Each record is read once and unnested into one row per field that has a value.
    values = ", ".join(
        f"struct_pack(field := '{field}', value := {expression})"
        for field, expression in CONFLICT_FIELDS.items()
    )
    conflicts_sql = f"""
        WITH v AS (
            SELECT person_id, source, field, value FROM (
                SELECT p.person_id, c.source, unnest([{values}], recursive := true)
                FROM person_ids p JOIN {CLEAN_TABLE} c USING (unique_id)
                WHERE p.run_id = {latest} {scope}
            ) WHERE value IS NOT NULL
        ),
        per_value AS (
            SELECT person_id, field, value, list_sort(list_distinct(list(source))) AS sources
            FROM v GROUP BY person_id, field, value
        ),
        -- Most people's fields hold one value: only the rest are gathered into lists.
        several AS (
            SELECT person_id, field FROM per_value GROUP BY person_id, field HAVING count(*) > 1
        )
        SELECT person_id, field, to_json(list(value ORDER BY value))::VARCHAR AS "values",
               to_json(list(sources ORDER BY value))::VARCHAR AS sources
        FROM per_value SEMI JOIN several USING (person_id, field)
        GROUP BY person_id, field
        HAVING count(*) > 1 AND len(list_distinct(flatten(list(sources)))) > 1
        ORDER BY person_id, field
    """
    tables = {row[0] for row in run(con, "SELECT table_name FROM information_schema.tables")}
    for table, sql in ((DUPLICATES_TABLE, duplicates_sql), (CONFLICTS_TABLE, conflicts_sql)):
        if only and table in tables:
            run(con, f"DELETE FROM {table} WHERE person_id IN (SELECT person_id FROM {only})")
            run(con, f"INSERT INTO {table} {sql}")
        else:
            run(con, f"CREATE OR REPLACE TABLE {table} AS {sql}")
    duplicates = scalar(con, f"SELECT count(*) FROM {DUPLICATES_TABLE}")
    conflicts = scalar(con, f"SELECT count(*) FROM {CONFLICTS_TABLE}")
    return duplicates, conflicts


def write_quality_csv(con: duckdb.DuckDBPyConnection, out: str | Path) -> list[Path]:
    """Write both tables as CSV files in ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    tables = {row[0] for row in run(con, "SELECT table_name FROM information_schema.tables")}
    # Rows the last ingest set aside (repeated ids), when it was asked to.
    extra = [SET_ASIDE_TABLE] if SET_ASIDE_TABLE in tables else []
    for table in (DUPLICATES_TABLE, CONFLICTS_TABLE, *extra):
        path = out / f"{table}.csv"
        run(con, f"COPY {table} TO '{path.as_posix()}' (HEADER, DELIMITER ',')")
        paths.append(path)
    return paths
