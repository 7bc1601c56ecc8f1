"""Adding new and changed records without relinking everyone.

``add_records`` loads extracts of new and changed records (the same YAML mappings as ``ingest``,
checked the same way, all or nothing) into the records table: a record id already there is a
changed record and its row is replaced. Only those rows are standardised.

``link_incremental`` then links what changed since the last run, with the model that run used:

1. the delta: clean records whose row differs from the one last linked (``link_snapshot`` keeps a
   hash of each linked row), records never linked, and linked records that are gone;
2. Splink 5 scores the delta against everyone else (``predict_between``) and against itself
   (``predict_within``) on the model's blocking rules, with term frequencies from all records;
   the delta's old pairs are replaced by these in ``predictions``;
3. only the people touched are clustered again: the delta's people and the people of every record
   the delta now links to, with the same decisions (confirmed, rejected) as a full run;
4. their records get ids by the same rules as a full run (``person_ids.assign``); every other
   person keeps their id and records untouched. The run is a new row of ``link_runs``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker

from .clustering import DECISIONS_TABLE, cluster, current_decisions, uncontradicted
from .db import memory_limit, run, scalar, transaction
from .link import BLOCKING_RULES
from .mapping import IngestError, Problem, load_mappings
from .person_ids import DDL as PERSON_IDS_DDL
from .person_ids import _id_number_sql, assign
from .schema import (
    CLEAN_TABLE,
    CLUSTER_THRESHOLD,
    CLUSTERS_TABLE,
    PREDICT_THRESHOLD,
    PREDICTIONS_TABLE,
    RECORDS_TABLE,
)
from .staging import Staged, drop_staging, incoming_records_sql, stage_extracts
from .standardise import clean_select, drop_lookups

SNAPSHOT_TABLE = "link_snapshot"
#: person_ids (old and new) the last incremental run re-clustered.
TOUCHED_TABLE = "touched_people_last_run"
TF_COLUMNS = ("first_name", "last_name", "dob")


class IncrementalError(Exception):
    pass


# --- new and changed records in ------------------------------------------------------------------
def add_records(con: duckdb.DuckDBPyConnection, mapping_files: Iterable[str | Path]) -> dict:
    """Insert new records and replace changed ones (same record id); all or nothing.
    Returns {"new": n, "changed": n} counted by record id."""
    with memory_limit(con):
        return _add_records(con, mapping_files)


def _add_records(con: duckdb.DuckDBPyConnection, mapping_files: Iterable[str | Path]) -> dict:
    problems: list[Problem] = []
    mappings = load_mappings(mapping_files, problems)
    staged: list[Staged] = []
    try:
        staged, counts = stage_extracts(con, mappings, problems)
        if not sum(counts.values()) and not problems:
            problems.append(Problem("add", "no records in the files given"))
        if problems:
            raise IngestError(problems)
        run(
            con,
            "CREATE OR REPLACE TEMP TABLE incoming_records AS " + incoming_records_sql(con, staged),
        )
        try:
            run(
                con,
                "CREATE OR REPLACE TEMP TABLE incoming_clean AS "
                + clean_select(con, "incoming_records"),
            )
        finally:
            drop_lookups(con)
        with transaction(con):
            changed = scalar(
                con,
                f"SELECT count(*) FROM {RECORDS_TABLE} WHERE record_id IN "
                "(SELECT record_id FROM incoming_records)",
            )
            run(
                con,
                f"DELETE FROM {RECORDS_TABLE} WHERE record_id IN "
                "(SELECT record_id FROM incoming_records)",
            )
            run(con, f"INSERT INTO {RECORDS_TABLE} SELECT * FROM incoming_records")
            run(
                con,
                f"DELETE FROM {CLEAN_TABLE} WHERE unique_id IN "
                "(SELECT unique_id FROM incoming_clean)",
            )
            run(con, f"INSERT INTO {CLEAN_TABLE} BY NAME SELECT * FROM incoming_clean")
    finally:
        drop_staging(con, staged)
        run(con, "DROP TABLE IF EXISTS incoming_records")
        run(con, "DROP TABLE IF EXISTS incoming_clean")
    return {"new": sum(counts.values()) - changed, "changed": changed}


# --- the snapshot of what was linked -------------------------------------------------------------
def _row_hashes(where: str = "") -> str:
    return f"SELECT unique_id, hash(c) AS row_hash FROM {CLEAN_TABLE} c {where}"


def write_snapshot(con: duckdb.DuckDBPyConnection) -> None:
    """Remember every clean row as linked now (after a full run)."""
    run(con, f"CREATE OR REPLACE TABLE {SNAPSHOT_TABLE} AS {_row_hashes()}")


# --- linking the delta ----------------------------------------------------------------------------
#: unique_ids of the records the last incremental run linked (new and changed): the records whose
#: addresses are matched to the gazetteer again after it.
CHANGED_TABLE = "records_linked_last_run"


@dataclass
class IncrementalResult:
    run_id: int = 0
    new: int = 0
    changed: int = 0
    removed: int = 0
    pairs_scored: int = 0
    people_touched: int = 0
    kept: int = 0
    created: int = 0
    merged: int = 0
    split: int = 0
    retired: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        stages = ", ".join(f"{name} {secs:.2f}s" for name, secs in self.seconds.items())
        return (
            f"run {self.run_id}: {self.new} new, {self.changed} changed, {self.removed} removed "
            f"records; {self.pairs_scored} pairs kept; {self.people_touched} people re-clustered "
            f"(ids kept {self.kept}, new {self.created}, merged {self.merged}, split {self.split}, "
            f"retired {self.retired}); every other person unchanged\n  time: {stages}"
        )


def link_incremental(
    con: duckdb.DuckDBPyConnection,
    *,
    threshold: float | None = None,
    model: str | Path | None = None,
) -> IncrementalResult:
    """Link the records added or changed since the last run (see the module's notes)."""
    result = IncrementalResult()
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        result.seconds[stage] = round(now - clock, 3)
        clock = now

    for statement in PERSON_IDS_DDL.split(";"):
        if statement.strip():
            run(con, statement)
    last = run(con, "SELECT run_id, model, threshold FROM link_runs ORDER BY run_id DESC LIMIT 1")
    if not last:
        raise IncrementalError("nothing has been linked yet: run a full link first")
    previous_run, last_model, last_threshold = last[0]
    model = str(model) if model else last_model
    if not model or not Path(model).exists():
        raise IncrementalError(
            f"the last run's model {model!r} is not there: a full link with a saved model first"
        )
    threshold = threshold if threshold is not None else (last_threshold or CLUSTER_THRESHOLD)

    # 1. The delta.
    has_snapshot = scalar(
        con,
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
        [SNAPSHOT_TABLE],
    )
    linked = f"(SELECT unique_id FROM person_ids WHERE run_id = {previous_run})"
    changed_sql = (
        f"SELECT h.unique_id, s.unique_id IS NOT NULL AS known FROM ({_row_hashes()}) h "
        f"LEFT JOIN {SNAPSHOT_TABLE} s USING (unique_id) "
        "WHERE s.unique_id IS NULL OR s.row_hash <> h.row_hash"
        if has_snapshot
        else f"SELECT unique_id, false AS known FROM {CLEAN_TABLE} WHERE unique_id NOT IN {linked}"
    )
    run(con, f"CREATE OR REPLACE TEMP TABLE delta AS {changed_sql}")
    run(
        con,
        "CREATE OR REPLACE TEMP TABLE removed AS SELECT unique_id FROM person_ids "
        f"WHERE run_id = {previous_run} AND unique_id NOT IN (SELECT unique_id FROM {CLEAN_TABLE})",
    )
    result.changed = scalar(con, "SELECT count(*) FROM delta WHERE known")
    result.new = scalar(con, "SELECT count(*) FROM delta WHERE NOT known")
    result.removed = scalar(con, "SELECT count(*) FROM removed")
    lap("find delta")

    # 2. Score the delta against everyone and itself.
    new_pairs = 0
    if result.new or result.changed:
        run(
            con,
            f"CREATE OR REPLACE TEMP TABLE incr_new AS SELECT * FROM {CLEAN_TABLE} "
            "WHERE unique_id IN (SELECT unique_id FROM delta)",
        )
        run(
            con,
            f"CREATE OR REPLACE TEMP VIEW incr_existing AS SELECT * FROM {CLEAN_TABLE} "
            "WHERE unique_id NOT IN (SELECT unique_id FROM delta)",
        )
        db_api = DuckDBAPI(con)
        everyone = db_api.register(CLEAN_TABLE)
        linker = Linker(everyone, str(model), log_level=logging.ERROR)
        for column in TF_COLUMNS:
            linker.table_management.compute_tf_table(column)
        new = db_api.register("incr_new")
        existing = db_api.register("incr_existing")
        lap("load model and term frequencies")
        between = linker.inference.predict_between(
            existing,
            new,
            blocking_rules_to_generate_predictions=[*BLOCKING_RULES],
            threshold_match_probability=PREDICT_THRESHOLD,
            warning_mode="never",
        )
        within = linker.inference.predict_within(
            new,
            blocking_rules_to_generate_predictions=[*BLOCKING_RULES],
            threshold_match_probability=PREDICT_THRESHOLD,
            warning_mode="never",
        )
        lap("score pairs")
        columns = [row[0] for row in run(con, f"DESCRIBE {PREDICTIONS_TABLE}")]
        with transaction(con):
            run(
                con,
                f"DELETE FROM {PREDICTIONS_TABLE} WHERE unique_id_l IN (SELECT unique_id FROM "
                "delta UNION ALL SELECT unique_id FROM removed) OR unique_id_r IN (SELECT "
                "unique_id FROM delta UNION ALL SELECT unique_id FROM removed)",
            )
            for scored in (between, within):
                present = {row[0] for row in run(con, f"DESCRIBE {scored.physical_name}")}
                chosen = ", ".join(c for c in columns if c in present)
                run(
                    con,
                    f"INSERT INTO {PREDICTIONS_TABLE} BY NAME SELECT {chosen} "
                    f"FROM {scored.physical_name} WHERE unique_id_l <> unique_id_r",
                )
        new_pairs = scalar(
            con,
            f"SELECT count(*) FROM {PREDICTIONS_TABLE} WHERE unique_id_l IN "
            "(SELECT unique_id FROM delta) OR unique_id_r IN (SELECT unique_id FROM delta)",
        )
        linker.table_management.delete_tables_created_by_splink_from_db()
        lap("update predictions")
    result.pairs_scored = new_pairs

    # 3. The people touched, clustered again (and the people of every decided pair).
    decisions = current_decisions(con)
    run(
        con,
        f"""
        CREATE OR REPLACE TEMP TABLE touched_people AS
        WITH seeds AS (
            SELECT unique_id FROM delta UNION SELECT unique_id FROM removed
            UNION SELECT unique_id_l FROM {DECISIONS_TABLE}
            UNION SELECT unique_id_r FROM {DECISIONS_TABLE}
            UNION
            SELECT CASE WHEN p.unique_id_l IN (SELECT unique_id FROM delta)
                        THEN p.unique_id_r ELSE p.unique_id_l END
            FROM {PREDICTIONS_TABLE} p
            WHERE p.match_probability >= {float(threshold)}
              AND (p.unique_id_l IN (SELECT unique_id FROM delta)
                   OR p.unique_id_r IN (SELECT unique_id FROM delta))
        )
        SELECT DISTINCT person_id FROM person_ids
        WHERE run_id = {previous_run} AND unique_id IN (SELECT unique_id FROM seeds)
        """,
    )
    run(
        con,
        f"""
        CREATE OR REPLACE TEMP TABLE touched AS
        SELECT unique_id FROM person_ids WHERE run_id = {previous_run}
          AND person_id IN (SELECT person_id FROM touched_people)
          AND unique_id IN (SELECT unique_id FROM {CLEAN_TABLE})
        UNION SELECT unique_id FROM delta
        """,
    )
    nodes = run(
        con,
        f"SELECT unique_id, source, dob FROM {CLEAN_TABLE} "
        "WHERE unique_id IN (SELECT unique_id FROM touched)",
    )
    edges = run(
        con,
        f"SELECT unique_id_l, unique_id_r, match_probability FROM {PREDICTIONS_TABLE} "
        f"WHERE match_probability >= ? AND {uncontradicted(con)} "
        "AND unique_id_l IN (SELECT unique_id FROM touched) "
        "AND unique_id_r IN (SELECT unique_id FROM touched)",
        [threshold],
    )
    clustered, _ = cluster(nodes, edges, decisions)
    cluster_rows = pa.table(
        {
            "unique_id": pa.array(list(clustered), pa.string()),
            "cluster_id": pa.array(list(clustered.values()), pa.string()),
        }
    )
    con.register("incoming_clusters", cluster_rows)
    highest = scalar(con, f"SELECT max({_id_number_sql('person_id')}) FROM person_ids")
    run_id = previous_run + 1
    counts = assign(
        con,
        clusters="SELECT unique_id, cluster_id FROM incoming_clusters",
        previous=f"SELECT unique_id, person_id FROM person_ids WHERE run_id = {previous_run} "
        "AND person_id IN (SELECT person_id FROM touched_people)",
        next_number=(highest or 0) + 1,
        run_id=run_id,
    )
    result.run_id = run_id
    result.people_touched = len(set(clustered.values()))
    result.kept, result.created, result.merged, result.split, result.retired = counts
    lap("cluster touched people")

    # 4. Write the run: untouched people copied, touched ones as assigned.
    try:
        with transaction(con):
            copied = scalar(
                con,
                f"INSERT INTO person_ids SELECT {run_id}, unique_id, person_id FROM person_ids "
                f"WHERE run_id = {previous_run} AND person_id NOT IN "
                "(SELECT person_id FROM touched_people)",
            )
            added = scalar(
                con, f"INSERT INTO person_ids SELECT {run_id}, unique_id, person_id FROM assigned"
            )
            records = copied + added
            # Counted from the last run rather than over the whole new run: the people copied are
            # the last run's less those touched, and the touched people's ids are all in assigned.
            people = (
                scalar(con, "SELECT people FROM link_runs WHERE run_id = ?", [previous_run])
                - scalar(con, "SELECT count(*) FROM touched_people")
                + scalar(con, "SELECT count(DISTINCT person_id) FROM assigned")
            )
            run(
                con,
                "INSERT INTO link_runs VALUES (?, current_timestamp, ?, ?, ?, ?)",
                [run_id, model, threshold, records, people],
            )
            run(con, "INSERT INTO person_events SELECT * FROM assigned_events")
            # The people this run touched, by old and new id, for the steps after it.
            run(con, f"CREATE OR REPLACE TABLE {CHANGED_TABLE} AS SELECT unique_id FROM delta")
            run(
                con,
                f"CREATE OR REPLACE TABLE {TOUCHED_TABLE} AS SELECT person_id FROM touched_people "
                "UNION SELECT DISTINCT person_id FROM assigned",
            )
            run(
                con,
                f"DELETE FROM {CLUSTERS_TABLE} WHERE unique_id IN "
                "(SELECT unique_id FROM touched UNION SELECT unique_id FROM removed)",
            )
            run(
                con,
                f"INSERT INTO {CLUSTERS_TABLE} SELECT i.unique_id, i.cluster_id, c.source "
                f"FROM incoming_clusters i JOIN {CLEAN_TABLE} c USING (unique_id)",
            )
            if has_snapshot:
                run(
                    con,
                    f"DELETE FROM {SNAPSHOT_TABLE} WHERE unique_id IN "
                    "(SELECT unique_id FROM delta UNION SELECT unique_id FROM removed)",
                )
                run(
                    con,
                    f"INSERT INTO {SNAPSHOT_TABLE} "
                    f"{_row_hashes('WHERE unique_id IN (SELECT unique_id FROM delta)')}",
                )
            else:
                run(con, f"CREATE TABLE {SNAPSHOT_TABLE} AS {_row_hashes()}")
    finally:
        con.unregister("incoming_clusters")
        run(con, "DROP TABLE IF EXISTS assigned")
        run(con, "DROP TABLE IF EXISTS assigned_events")
    lap("write run")
    return result
