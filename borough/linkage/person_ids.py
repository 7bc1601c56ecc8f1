"""Stable person ids: each run's clusters get the ids the previous run gave the same people.

Splink's cluster ids are just the smallest record id in each cluster, so they change whenever a
record is added or a cluster changes. Borough's person ids do not:

- each id from the last run goes to the cluster that now holds most of its records;
- a cluster that several ids go to keeps the one with most records in it (the oldest id on a
  tie) and the others are recorded as **merged** into it;
- a cluster that no id goes to gets a new id: a **split** if it holds records that had an id
  (that id stayed with the larger part), otherwise **created**;
- an id none of whose records are left is **retired**.

Everything is kept in the DuckDB file: ``link_runs`` (one row a run), ``person_ids`` (each
record's person in each run) and ``person_events``.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from .db import run, scalar, transaction
from .schema import CLUSTERS_TABLE

ID_PREFIX = "PER"

DDL = """
CREATE TABLE IF NOT EXISTS link_runs (
    run_id INTEGER PRIMARY KEY,
    ran_at TIMESTAMP NOT NULL,
    model VARCHAR,
    threshold DOUBLE,
    records INTEGER NOT NULL,
    people INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS person_ids (
    run_id INTEGER NOT NULL,
    unique_id VARCHAR NOT NULL,
    person_id VARCHAR NOT NULL,
    PRIMARY KEY (run_id, unique_id)
);
CREATE TABLE IF NOT EXISTS person_events (
    run_id INTEGER NOT NULL,
    event VARCHAR NOT NULL,
    person_id VARCHAR NOT NULL,
    other_person_id VARCHAR,
    records INTEGER
);
"""


@dataclass(frozen=True)
class Assignment:
    run_id: int
    people: int
    kept: int
    created: int
    merged: int
    split: int
    retired: int

    def summary(self) -> str:
        return (
            f"run {self.run_id}: {self.people} people; ids kept {self.kept}, new {self.created}, "
            f"merged {self.merged}, split {self.split}, retired {self.retired}"
        )


def _id_number(person_id: str) -> int:
    return int(person_id.removeprefix(ID_PREFIX))


def _id_number_sql(column: str) -> str:
    return f"CAST(substr({column}, {len(ID_PREFIX) + 1}) AS BIGINT)"


def assign(
    con: duckdb.DuckDBPyConnection,
    *,
    clusters: str,
    previous: str,
    next_number: int,
    run_id: int,
) -> tuple[int, int, int, int, int]:
    """Give each cluster a person id by the rules above, in SQL (a million records in seconds).

    ``clusters`` and ``previous`` are queries of (unique_id, cluster_id) and (unique_id,
    person_id): the records now and the ids the last run gave them. Writes the temporary tables
    ``assigned (unique_id, person_id)`` and ``assigned_events`` (rows of ``person_events``, in
    the order the rules make them). Returns (kept, created, merged, split, retired)."""
    number = _id_number_sql("person_id")
    run(con, f"CREATE OR REPLACE TEMP TABLE assign_clusters AS {clusters}")
    run(con, f"CREATE OR REPLACE TEMP TABLE assign_previous AS {previous}")
    # How many of each old id's records are in each cluster now.
    run(
        con,
        """
        CREATE OR REPLACE TEMP TABLE assign_overlap AS
        SELECT p.person_id, c.cluster_id, count(*) AS n
        FROM assign_clusters c JOIN assign_previous p USING (unique_id)
        GROUP BY ALL
        """,
    )
    # Each old id goes to the cluster holding most of its records (the first cluster on a tie);
    # a cluster several ids go to keeps the one with most records there (the oldest on a tie).
    run(
        con,
        f"""
        CREATE OR REPLACE TEMP TABLE assign_claims AS
        WITH claims AS (
            SELECT person_id, arg_min(cluster_id, (-n, cluster_id)) AS cluster_id, max(n) AS n
            FROM assign_overlap GROUP BY person_id
        )
        SELECT cluster_id, person_id, n,
               row_number() OVER (PARTITION BY cluster_id ORDER BY n DESC, {number}) AS rank
        FROM claims
        """,
    )
    # A cluster no id goes to gets the next new id, in cluster order; it is a split if some of
    # its records had an id (the one with most records there, the first on a tie).
    run(
        con,
        f"""
        CREATE OR REPLACE TEMP TABLE assign_people AS
        WITH sizes AS (
            SELECT cluster_id, count(*) AS members FROM assign_clusters GROUP BY cluster_id
        ),
        unclaimed AS (
            SELECT cluster_id, members,
                   {next_number} - 1 + row_number() OVER (ORDER BY cluster_id) AS number
            FROM sizes ANTI JOIN assign_claims USING (cluster_id)
        ),
        split_from AS (
            SELECT cluster_id, arg_min(person_id, (-n, person_id)) AS person_id, max(n) AS n
            FROM assign_overlap GROUP BY cluster_id
        )
        SELECT cluster_id, person_id, 'kept' AS how, NULL::VARCHAR AS source_id, n
        FROM assign_claims WHERE rank = 1
        UNION ALL
        SELECT u.cluster_id, '{ID_PREFIX}' || lpad(u.number::VARCHAR, 9, '0'),
               CASE WHEN s.person_id IS NULL THEN 'created' ELSE 'split' END,
               s.person_id, coalesce(s.n, u.members)
        FROM unclaimed u LEFT JOIN split_from s USING (cluster_id)
        """,
    )
    run(
        con,
        """
        CREATE OR REPLACE TEMP TABLE assigned AS
        SELECT c.unique_id, p.person_id
        FROM assign_clusters c JOIN assign_people p USING (cluster_id)
        """,
    )
    run(
        con,
        f"""
        CREATE OR REPLACE TEMP TABLE assigned_events AS
        WITH events AS (
            SELECT 0 AS phase, cluster_id AS place, 0 AS rank, {run_id} AS run_id,
                   how AS event,
                   CASE WHEN how = 'split' THEN source_id ELSE person_id END AS person_id,
                   CASE WHEN how = 'split' THEN person_id END AS other_person_id, n AS records
            FROM assign_people WHERE how <> 'kept'
            UNION ALL
            SELECT 0, c.cluster_id, c.rank, {run_id}, 'merged', c.person_id, k.person_id, c.n
            FROM assign_claims c JOIN assign_claims k ON k.cluster_id = c.cluster_id
             AND k.rank = 1
            WHERE c.rank > 1
            UNION ALL
            SELECT 1, person_id, 0, {run_id}, 'retired', person_id, NULL, 0
            FROM (SELECT DISTINCT person_id FROM assign_previous)
            ANTI JOIN assign_overlap USING (person_id)
        )
        SELECT run_id::INTEGER AS run_id, event, person_id, other_person_id,
               records::INTEGER AS records
        FROM events ORDER BY phase, place, rank
        """,
    )
    counted = dict(run(con, "SELECT event, count(*) FROM assigned_events GROUP BY event"))
    kept = scalar(con, "SELECT count(*) FROM assign_people WHERE how = 'kept'")
    for table in ("clusters", "previous", "overlap", "claims", "people"):
        run(con, f"DROP TABLE assign_{table}")
    return (
        kept,
        counted.get("created", 0),
        counted.get("merged", 0),
        counted.get("split", 0),
        counted.get("retired", 0),
    )


def assign_person_ids(
    con: duckdb.DuckDBPyConnection,
    *,
    model: str | None = None,
    threshold: float | None = None,
) -> Assignment:
    """Give every record in the clusters table a stable person id, as a new run."""
    for statement in DDL.split(";"):
        if statement.strip():
            run(con, statement)
    previous_run = scalar(con, "SELECT max(run_id) FROM link_runs")
    run_id = (previous_run or 0) + 1
    previous = (
        f"SELECT unique_id, person_id FROM person_ids WHERE run_id = {int(previous_run)}"
        if previous_run is not None
        else "SELECT NULL::VARCHAR AS unique_id, NULL::VARCHAR AS person_id WHERE false"
    )
    highest = scalar(con, f"SELECT max({_id_number_sql('person_id')}) FROM person_ids")
    kept, created, merged, split, retired = assign(
        con,
        clusters=f"SELECT unique_id, CAST(cluster_id AS VARCHAR) AS cluster_id "
        f"FROM {CLUSTERS_TABLE}",
        previous=previous,
        next_number=(highest or 0) + 1,
        run_id=run_id,
    )
    records = scalar(con, "SELECT count(*) FROM assigned")
    people = scalar(con, "SELECT count(DISTINCT person_id) FROM assigned")

    try:
        with transaction(con):
            run(
                con,
                "INSERT INTO link_runs VALUES (?, current_timestamp, ?, ?, ?, ?)",
                [run_id, model, threshold, records, people],
            )
            run(
                con,
                f"INSERT INTO person_ids SELECT {run_id}, unique_id, person_id FROM assigned "
                "ORDER BY unique_id",
            )
            run(con, "INSERT INTO person_events SELECT * FROM assigned_events")
    finally:
        run(con, "DROP TABLE IF EXISTS assigned")
        run(con, "DROP TABLE IF EXISTS assigned_events")
    return Assignment(
        run_id=run_id,
        people=people,
        kept=kept,
        created=created,
        merged=merged,
        split=split,
        retired=retired,
    )
