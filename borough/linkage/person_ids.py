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

from collections import Counter, defaultdict
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from .db import run, scalar
from .link import CLUSTERS_TABLE

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


def assign(
    clusters: dict[str, list[str]], previous: dict[str, str], next_number: int, run_id: int
) -> tuple[dict[str, str], list[tuple], tuple[int, int, int, int, int]]:
    """Give each cluster a person id from ``previous`` (record -> last run's id) by the rules
    above. Returns (record -> id, events, (kept, created, merged, split, retired))."""

    # How many of each old id's records are in each cluster now.
    overlap: dict[str, Counter] = defaultdict(Counter)
    for cluster_id, members in clusters.items():
        for unique_id in members:
            if unique_id in previous:
                overlap[previous[unique_id]][cluster_id] += 1
    # Each old id goes to the cluster holding most of its records (the first cluster on a tie).
    claims: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for person_id, counts in overlap.items():
        cluster_id, count = min(counts.items(), key=lambda item: (-item[1], item[0]))
        claims[cluster_id].append((count, person_id))

    events: list[tuple] = []
    assignment: dict[str, str] = {}
    kept = created = merged = split = 0
    for cluster_id in sorted(clusters):
        members = clusters[cluster_id]
        if claims[cluster_id]:
            ranked = sorted(claims[cluster_id], key=lambda item: (-item[0], _id_number(item[1])))
            person_id = ranked[0][1]
            kept += 1
            for count, other in ranked[1:]:
                events.append((run_id, "merged", other, person_id, count))
                merged += 1
        else:
            person_id = f"{ID_PREFIX}{next_number:09d}"
            next_number += 1
            old_ids = Counter(previous[u] for u in members if u in previous)
            if old_ids:
                source_id, count = min(old_ids.items(), key=lambda item: (-item[1], item[0]))
                events.append((run_id, "split", source_id, person_id, count))
                split += 1
            else:
                events.append((run_id, "created", person_id, None, len(members)))
                created += 1
        for unique_id in members:
            assignment[unique_id] = person_id
    retired = 0
    for person_id in sorted(set(previous.values()) - set(overlap)):
        events.append((run_id, "retired", person_id, None, 0))
        retired += 1

    return assignment, events, (kept, created, merged, split, retired)


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
    previous: dict[str, str] = {}
    if previous_run is not None:
        previous = dict(
            run(con, "SELECT unique_id, person_id FROM person_ids WHERE run_id = ?", [previous_run])
        )
    highest = scalar(con, "SELECT max(person_id) FROM person_ids")
    next_number = _id_number(highest) + 1 if highest else 1

    clusters: dict[str, list[str]] = defaultdict(list)
    for unique_id, cluster_id in run(
        con, f"SELECT unique_id, cluster_id FROM {CLUSTERS_TABLE} ORDER BY unique_id"
    ):
        clusters[str(cluster_id)].append(unique_id)
    assignment, events, counts = assign(clusters, previous, next_number, run_id)
    kept, created, merged, split, retired = counts

    run(con, "BEGIN TRANSACTION")
    try:
        run(
            con,
            "INSERT INTO link_runs VALUES (?, current_timestamp, ?, ?, ?, ?)",
            [run_id, model, threshold, len(assignment), len(clusters)],
        )
        rows = pa.table(
            {
                "run_id": pa.array([run_id] * len(assignment), pa.int32()),
                "unique_id": pa.array(list(assignment), pa.string()),
                "person_id": pa.array(list(assignment.values()), pa.string()),
            }
        )
        con.register("incoming_person_ids", rows)
        run(con, "INSERT INTO person_ids SELECT * FROM incoming_person_ids")
        con.unregister("incoming_person_ids")
        if events:
            # One Arrow insert: executemany is a statement per row (minutes at a million).
            columns = list(zip(*events, strict=True))
            event_rows = pa.table(
                {
                    "run_id": pa.array(columns[0], pa.int32()),
                    "event": pa.array(columns[1], pa.string()),
                    "person_id": pa.array(columns[2], pa.string()),
                    "other_person_id": pa.array(columns[3], pa.string()),
                    "records": pa.array(columns[4], pa.int32()),
                }
            )
            con.register("incoming_person_events", event_rows)
            run(con, "INSERT INTO person_events SELECT * FROM incoming_person_events")
            con.unregister("incoming_person_events")
        run(con, "COMMIT")
    except Exception:
        run(con, "ROLLBACK")
        raise
    return Assignment(
        run_id=run_id,
        people=len(clusters),
        kept=kept,
        created=created,
        merged=merged,
        split=split,
        retired=retired,
    )
