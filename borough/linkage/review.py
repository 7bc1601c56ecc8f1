"""People who decide: the review band, the decisions CSV, and clustering that obeys decisions.

``review_pairs`` lists the pairs the model is unsure about (match probability between two
thresholds, 0.5 and 0.99 by default) with the evidence field by field, so that a person can
say "same person" or "not the same person". Their answers come back as a CSV::

    unique_id_l,unique_id_r,decision,decided_by,decided_at
    council_tax:CT001,housing:HSG-002,match,j.smith,2026-11-25T10:30:00

and are kept in ``match_decisions`` (the latest decision on a pair wins). Every clustering from
then on, full or incremental, starts from the confirmed matches, then joins the model's pairs
from the most to the least likely, and never makes a join that would put a rejected pair in
one person (not even through a third record). A decided pair is never listed for review again.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
from dataclasses import dataclass
from pathlib import Path

import duckdb

from .clustering import DECISIONS_DDL, DECISIONS_TABLE, write_clusters
from .comparisons import comparisons
from .db import run, scalar, sql_string
from .schema import (
    CLEAN_TABLE,
    CLUSTER_THRESHOLD,
    PREDICT_THRESHOLD,
    PREDICTIONS_TABLE,
)

REVIEW_TABLE = "review_pairs"
#: The probabilities the review band was last written for (one row).
REVIEW_BAND_TABLE = "review_band"
DECISION_COLUMNS = ["unique_id_l", "unique_id_r", "decision", "decided_by", "decided_at"]
DECISIONS = ("match", "non_match")
#: The fields shown side by side for a pair: (field, comparison's gamma column, value columns).
EVIDENCE_FIELDS = [
    ("first_name", "first_name", ["first_name"]),
    ("last_name", "last_name", ["last_name"]),
    ("dob", "dob", ["dob"]),
    ("address", "address", ["address", "postcode"]),
    ("household", "household", ["household_names"]),
    ("email", "email", ["email"]),
    ("phone", "phone", ["phone"]),
    ("ni_number", "ni_number", ["ni_number"]),
    ("sex", "sex", ["sex"]),
]


class DecisionsError(Exception):
    """The decisions file was refused as a whole; ``problems`` says why, line by line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        shown = "\n".join(f"  {problem}" for problem in problems[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"no decisions were loaded: {len(problems)} problems\n{shown}{more}")


# --- decisions in --------------------------------------------------------------------------------
def load_decisions(con: duckdb.DuckDBPyConnection, path: str | Path) -> int:
    """Store the decisions in ``path``; all or nothing. Returns how many rows were stored."""
    problems: list[str] = []
    rows: list[tuple] = []
    if not Path(path).is_file():
        raise DecisionsError([f"{path}: no such file"])
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        missing = [column for column in DECISION_COLUMNS if column not in header]
        if missing:
            raise DecisionsError([f"{path}: missing columns: {', '.join(missing)}"])
        known = {
            row[0] for row in run(con, f"SELECT unique_id FROM {CLEAN_TABLE}")
        }  # a decision about a record nobody has is a typo
        for line, row in enumerate(reader, start=2):
            left, right = (row["unique_id_l"] or "").strip(), (row["unique_id_r"] or "").strip()
            decision = (row["decision"] or "").strip()
            where = f"line {line}"
            if not left or not right:
                problems.append(f"{where}: both record ids are needed")
                continue
            if left == right:
                problems.append(f"{where}: a record cannot be paired with itself ({left})")
            for unique_id in (left, right):
                if unique_id not in known:
                    problems.append(f"{where}: no record {unique_id}")
            if decision not in DECISIONS:
                problems.append(f"{where}: decision must be match or non_match, not {decision!r}")
            try:
                decided_at = dt.datetime.fromisoformat((row["decided_at"] or "").strip())
            except ValueError:
                problems.append(f"{where}: decided_at {row['decided_at']!r} is not an ISO time")
                continue
            if decided_at.tzinfo is not None:
                decided_at = decided_at.astimezone(dt.UTC).replace(tzinfo=None)
            left, right = sorted((left, right))
            rows.append((left, right, decision, (row["decided_by"] or "").strip(), decided_at))
    if problems:
        raise DecisionsError(problems)
    run(con, DECISIONS_DDL)
    if rows:
        con.executemany(f"INSERT INTO {DECISIONS_TABLE} VALUES (?, ?, ?, ?, ?)", rows)
    return len(rows)


# --- clustering that obeys decisions -------------------------------------------------------------
def recluster(con: duckdb.DuckDBPyConnection, *, threshold: float = CLUSTER_THRESHOLD) -> int:
    """Rewrite the clusters table from the predictions table and the decisions (with the
    clustering checks, ``clustering.write_clusters``). Returns the number of clusters."""
    clusters, _ = write_clusters(con, threshold=threshold)
    return clusters


# --- the review band out -------------------------------------------------------------------------
def _last_model(con: duckdb.DuckDBPyConnection) -> dict | None:
    path = scalar(con, "SELECT model FROM link_runs ORDER BY run_id DESC LIMIT 1")
    if path and Path(path).exists():
        return json.loads(Path(path).read_text(encoding="utf-8"))
    return None


@dataclass(frozen=True)
class Level:
    label: str
    weight: float  # log2(m / u): the level's match weight before term frequencies
    u: float | None  # for the term-frequency adjustment of a level that has one
    tf_column: str | None


def _levels(model: dict | None) -> dict[str, dict[int, Level]]:
    """comparison -> gamma value -> its level, from the model the last run used (labels only,
    with no weights, before any run)."""
    if model is None:
        model = {"comparisons": [c.get_comparison("duckdb").as_dict() for c in comparisons()]}
    levels: dict[str, dict[int, Level]] = {}
    for comparison in model["comparisons"]:
        real = [
            level for level in comparison["comparison_levels"] if not level.get("is_null_level")
        ]
        by_gamma = {-1: Level("null", 0.0, None, None)}
        for index, level in enumerate(real):
            label = level.get("label_for_charts") or level["sql_condition"]
            m, u = level.get("m_probability"), level.get("u_probability")
            weight = math.log2(m / u) if m and u else 0.0
            by_gamma[len(real) - 1 - index] = Level(
                "different" if label.startswith("all other") else label,
                weight,
                u,
                level.get("tf_adjustment_column"),
            )
        levels[comparison["output_column_name"]] = by_gamma
    return levels


def match_weight(probability: float) -> float:
    """Splink's match weight (log2 of the odds) of a probability."""
    probability = min(max(probability, 1e-12), 1 - 1e-12)
    return math.log2(probability / (1 - probability))


def _run_threshold(con: duckdb.DuckDBPyConnection) -> float:
    """The clustering threshold of the latest run (0.99 before any run)."""
    tables = {row[0] for row in run(con, "SELECT table_name FROM information_schema.tables")}
    if "link_runs" in tables:
        threshold = scalar(con, "SELECT threshold FROM link_runs ORDER BY run_id DESC LIMIT 1")
        if threshold is not None:
            return float(threshold)
    return CLUSTER_THRESHOLD


def _sql_text(value: str) -> str:
    if value.endswith("household_names_l") or value.endswith("household_names_r"):
        value = f"array_to_string({value}, '; ')"  # a list of names
    return f"nullif(CAST({value} AS VARCHAR), '')"


def write_review_pairs(
    con: duckdb.DuckDBPyConnection,
    *,
    lower: float = PREDICT_THRESHOLD,
    upper: float = CLUSTER_THRESHOLD,
    only: str | None = None,
) -> int:
    """Write ``review_pairs``: undecided pairs with lower <= probability < upper, with evidence.
    Returns how many.

    The pairs are listed in the order a decision teaches the most: the pair whose match weight
    is nearest the run's threshold first (the model is least sure which side it belongs on, so
    either answer moves the next training, ``training.train_with_decisions``).

    Each pair is written with the smaller record id on the left, and its evidence as a JSON list
    of {field, left, right, level}, built in SQL (hundreds of thousands of pairs at a million
    records). ``only`` names a table of person_ids (an incremental run's touched people, old ids
    and new): just the pairs of those people are written again, when the last band had the same
    bounds; every other pair, its scores and its people's ids are as they were."""
    run(con, DECISIONS_DDL)
    model = _last_model(con)
    levels = _levels(model)
    present = {row[0] for row in run(con, f"DESCRIBE {PREDICTIONS_TABLE}")}
    tf_columns = sorted(
        {level.tf_column for by in levels.values() for level in by.values() if level.tf_column}
        & {name[:-2] for name in present if name.endswith("_l")}
    )
    # How common each value is among the records (Splink's term frequencies), for the exact
    # levels whose weight depends on the value: Smith says less than Przybylski.
    tf_ctes = ", ".join(
        f"tf_{name} AS (SELECT {name} AS value, count(*) / sum(count(*)) OVER () AS tf "
        f"FROM {CLEAN_TABLE} WHERE {name} IS NOT NULL GROUP BY 1)"
        for name in tf_columns
    )
    tf_joins = " ".join(
        f"LEFT JOIN tf_{name} tfl_{name} ON tfl_{name}.value = p.{name}_l "
        f"LEFT JOIN tf_{name} tfr_{name} ON tfr_{name}.value = p.{name}_r"
        for name in tf_columns
    )

    def column(name: str) -> str:
        return f"p.{name}" if name in present else "NULL"

    swap = "p.unique_id_r < p.unique_id_l"
    items = []
    for field, gamma, values in EVIDENCE_FIELDS:
        sides = {}
        for side in ("l", "r"):
            parts = ", ".join(_sql_text(column(f"{value}_{side}")) for value in values)
            sides[side] = f"nullif(concat_ws(', ', {parts}), '')"
        level_column = column(f"gamma_{gamma}")
        by_gamma = levels.get(gamma, {})
        cases = " ".join(
            f"WHEN {int(value)} THEN {sql_string(level.label)}" for value, level in by_gamma.items()
        )
        weights = " ".join(
            f"WHEN {int(value)} THEN {level.weight!r}"
            + (
                f" + log2({level.u!r} / greatest(tfl_{level.tf_column}.tf, "
                f"tfr_{level.tf_column}.tf))"
                if level.tf_column in tf_columns and level.u
                else ""
            )
            for value, level in by_gamma.items()
        )
        weight = (
            f"round(coalesce(CASE {level_column} {weights} END, 0), 2)"
            if model is not None and weights
            else "NULL::DOUBLE"
        )
        level = (
            f"coalesce(CASE {level_column} {cases} END, "
            f"coalesce(CAST({level_column} AS VARCHAR), 'None'))"
            if cases
            else f"coalesce(CAST({level_column} AS VARCHAR), 'None')"
        )
        items.append(
            f"struct_pack(field := {sql_string(field)}, "
            f'"left" := CASE WHEN {swap} THEN {sides["r"]} ELSE {sides["l"]} END, '
            f'"right" := CASE WHEN {swap} THEN {sides["l"]} ELSE {sides["r"]} END, '
            f"level := {level}, weight := {weight})"
        )
    latest_run = scalar(con, "SELECT max(run_id) FROM person_ids")
    threshold_weight = match_weight(_run_threshold(con))
    select = f"""
        {"WITH " + tf_ctes if tf_ctes else ""}
        SELECT least(p.unique_id_l, p.unique_id_r) AS unique_id_l,
               greatest(p.unique_id_l, p.unique_id_r) AS unique_id_r,
               CAST(p.match_probability AS DOUBLE) AS match_probability,
               CAST({column("match_weight")} AS DOUBLE) AS match_weight,
               CASE WHEN {swap} THEN pr.person_id ELSE pl.person_id END AS person_id_l,
               CASE WHEN {swap} THEN pl.person_id ELSE pr.person_id END AS person_id_r,
               CAST(to_json([{", ".join(items)}]) AS VARCHAR) AS evidence
        FROM {PREDICTIONS_TABLE} p
        {tf_joins}
        LEFT JOIN person_ids pl ON pl.run_id = {latest_run or 0} AND pl.unique_id = p.unique_id_l
        LEFT JOIN person_ids pr ON pr.run_id = {latest_run or 0} AND pr.unique_id = p.unique_id_r
        ANTI JOIN {DECISIONS_TABLE} d
            ON d.unique_id_l = least(p.unique_id_l, p.unique_id_r)
            AND d.unique_id_r = greatest(p.unique_id_l, p.unique_id_r)
        WHERE p.match_probability >= {float(lower)} AND p.match_probability < {float(upper)}
        {{scope}}
        ORDER BY abs(CAST({column("match_weight")} AS DOUBLE) - {threshold_weight}),
                 p.unique_id_l, p.unique_id_r
    """
    run(con, f"CREATE TABLE IF NOT EXISTS {REVIEW_BAND_TABLE} (lower DOUBLE, upper DOUBLE)")
    same_band = run(con, f"SELECT lower, upper FROM {REVIEW_BAND_TABLE}") == [
        (float(lower), float(upper))
    ]
    tables = {row[0] for row in run(con, "SELECT table_name FROM information_schema.tables")}
    if only and same_band and REVIEW_TABLE in tables:
        touched = f"(SELECT person_id FROM {only})"
        run(
            con,
            f"DELETE FROM {REVIEW_TABLE} "
            f"WHERE person_id_l IN {touched} OR person_id_r IN {touched}",
        )
        # The touched people's records, so that only their pairs are joined to the ids.
        records = (
            f"(SELECT unique_id FROM person_ids WHERE run_id = {latest_run or 0} "
            f"AND person_id IN {touched})"
        )
        scope = f"AND (p.unique_id_l IN {records} OR p.unique_id_r IN {records})"
        run(con, f"INSERT INTO {REVIEW_TABLE} {select.replace('{scope}', scope)}")
    else:
        run(con, f"CREATE OR REPLACE TABLE {REVIEW_TABLE} AS {select.replace('{scope}', '')}")
        run(con, f"DELETE FROM {REVIEW_BAND_TABLE}")
        run(con, f"INSERT INTO {REVIEW_BAND_TABLE} VALUES (?, ?)", [float(lower), float(upper)])
    return scalar(con, f"SELECT count(*) FROM {REVIEW_TABLE}")
