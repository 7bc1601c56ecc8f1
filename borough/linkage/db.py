"""DuckDB helpers.

DuckDB 2 refuses new work on a connection while an ``execute()`` result is unread, and Splink
works on the same connection, so every statement here is read to the end.
"""

from __future__ import annotations

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
