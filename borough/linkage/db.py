"""DuckDB helpers.

DuckDB 2 refuses new work on a connection while an ``execute()`` result is unread, and Splink
works on the same connection, so every statement here is read to the end.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb


def run(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[tuple]:
    """Execute one statement and return all its rows (none for DDL)."""
    cursor = con.execute(sql, params) if params is not None else con.execute(sql)
    try:
        return cursor.fetchall()
    except duckdb.InvalidInputException:
        return []


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None):
    rows = run(con, sql, params)
    return rows[0][0] if rows else None


def sql_string(text: str) -> str:
    """``text`` as an SQL string literal (single quotes doubled), for values written into SQL
    that cannot be parameters (column lists, CASE labels)."""
    return "'" + text.replace("'", "''") + "'"


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Run the block in one transaction: committed if it ends, rolled back if it raises."""
    run(con, "BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        run(con, "ROLLBACK")
        raise
    run(con, "COMMIT")


#: DuckDB's memory while records are loaded and standardised: past it, DuckDB spills sorts,
#: joins and temp tables to disk (next to the database file) instead of growing with the rows.
LOAD_MEMORY_LIMIT = 2 * 2**30
_UNITS = {"bytes": 1, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40}
_UNITS |= {"KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12}


@contextmanager
def memory_limit(con: duckdb.DuckDBPyConnection, limit: int = LOAD_MEMORY_LIMIT) -> Iterator[None]:
    """Cap DuckDB's memory at ``limit`` bytes while the block runs (a lower cap already set is
    kept), then put the setting back."""
    current = scalar(con, "SELECT current_setting('memory_limit')")
    match = re.fullmatch(r"([0-9.]+)\s*([A-Za-z]+)", str(current))
    if match and match[2] in _UNITS and float(match[1]) * _UNITS[match[2]] <= limit:
        yield
        return
    run(con, f"SET memory_limit = '{limit // 2**20}MiB'")
    try:
        yield
    finally:
        # The setting reads back rounded, so the default is put back as the default.
        run(con, "RESET memory_limit")
        if scalar(con, "SELECT current_setting('memory_limit')") != current:
            run(con, f"SET memory_limit = '{current}'")
