"""On PostgreSQL the readings table is partitioned by month (ADR homes): a month's readings sit
in one table, so a chart's query reads one or a few months and retention's delete stays within
old months. SQLite keeps one plain table. ``ensure_partitions`` makes the coming months' tables
(the periodic check calls it); readings outside every month fall in the default partition."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.utils import timezone


def _month(day: dt.date, offset: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + offset
    return dt.date(index // 12, index % 12 + 1, 1)


def partition_sql(start: dt.date) -> str:
    end = _month(start, 1)
    return (
        f"CREATE TABLE IF NOT EXISTS homes_reading_{start:%Y_%m} PARTITION OF homes_reading "
        f"FOR VALUES FROM ('{start:%Y-%m-%d} 00:00+00') TO ('{end:%Y-%m-%d} 00:00+00')"
    )


def ensure_partitions(*, before: int = 2, after: int = 2, using=None) -> int:
    """Make the monthly tables from ``before`` months ago to ``after`` months ahead; returns
    how many months it checked (0 on a database without partitions)."""
    conn = using or connection
    if conn.vendor != "postgresql":
        return 0
    this_month = timezone.now().date().replace(day=1)
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
            "WHERE c.relname = 'homes_reading'"
        )
        if cursor.fetchone() is None:
            return 0
        for offset in range(-before, after + 1):
            cursor.execute(partition_sql(_month(this_month, offset)))
    return before + after + 1
