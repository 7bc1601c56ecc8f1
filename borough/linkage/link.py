"""Link the clean records with Splink 5 on DuckDB: train without labels, predict, cluster.

The model is a Fellegi-Sunter model: each comparison below has levels from "agrees exactly" to
"disagrees", and Splink learns how much each level says for or against two records being one
person. u probabilities (how often two different people agree by chance) come from random pairs;
m probabilities (how often one person's two records agree) from expectation maximisation on two
blocked samples, so no labels are needed.

Every table the engine keeps is in the same DuckDB database: ``records_clean`` (input),
``predictions`` (scored pairs above the prediction threshold) and ``clusters`` (each record's
cluster at the clustering threshold).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from .blocking import (  # noqa: F401 - the rules are the model's: link is where they are read
    BLOCK_KEYS,
    BLOCKING_RULES,
    NAMES_DOB_AGREE,
    NAMES_RULE,
    PHONE_RULE,
    RARE_NAME_RECORDS,
    STREET_RULES,
    UPRN_RULE,
)
from .clustering import threshold_from_predictions, write_clusters
from .comparisons import comparisons
from .db import run, scalar
from .schema import CLEAN_TABLE, PREDICT_THRESHOLD, PREDICTIONS_TABLE
from .spark import predict_and_cluster_with_spark
from .training import learn_from_decisions

if TYPE_CHECKING:  # Splink exports the class only from its internals
    from splink.internals.blocking_rule_creator import BlockingRuleCreator

#: Where predictions and clusters can be computed; training is always on DuckDB.
BACKENDS = ("duckdb", "spark")


#: Rules that admit very few false matches, to estimate how common matches are.
DETERMINISTIC_RULES: list[BlockingRuleCreator | str] = [
    block_on("first_name", "last_name", "dob"),
    block_on("ni_number"),
]
#: Two training samples: each estimates the comparisons its rule does not use.
EM_RULES = [block_on("dob"), block_on("first_name_canonical", "postcode")]
#: EM trains on pairs of records from a random subset of about this many records: a block (one
#: date of birth) grows with the square of the records, and EM needs proportions, not everyone.
EM_SAMPLE_RECORDS = 200_000


def rule_sql(rule) -> str:
    """A blocking rule (SQL, or Splink's ``block_on``) as DuckDB SQL over ``l`` and ``r``."""
    return rule if isinstance(rule, str) else rule.get_blocking_rule("duckdb").blocking_rule_sql


def em_rule_on_sample(rule, records: int, sample_records: int = EM_SAMPLE_RECORDS) -> str:
    """``rule`` restricted to pairs whose two records both fall in a hash-chosen subset of
    about ``sample_records`` of the ``records``; the rule itself when there are few enough."""
    sql = rule_sql(rule)
    every = -(-records // sample_records)  # ceiling division
    if every <= 1:
        return sql
    return f"({sql}) AND hash(l.unique_id) % {every} = 0 AND hash(r.unique_id) % {every} = 0"


def settings(initial_m: float | None = None) -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons(initial_m),
        # Splink turns SQL strings into rules (to_blocking_rule_creator); its annotation omits str
        blocking_rules_to_generate_predictions=BLOCKING_RULES,  # type: ignore[arg-type]
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=True,
        additional_columns_to_retain=["source"],
        max_iterations=20,
    )


def make_linker(con: duckdb.DuckDBPyConnection, model: str | Path | dict | None = None) -> Linker:
    """A linker over the clean table, untrained or from a saved model."""
    db_api = DuckDBAPI(con)
    data = db_api.register(CLEAN_TABLE)
    if model is None:
        chosen: SettingsCreator | str | dict = settings(initial_m(con))
    else:
        chosen = str(model) if isinstance(model, Path) else model
    return Linker(data, chosen, log_level=logging.ERROR)


#: How many of the true pairs the deterministic rules would find if every record had a date
#: of birth (typos, nicknames and missing NI numbers lose the rest).
DETERMINISTIC_RECALL = 0.7


def deterministic_recall(records: int, dated: int) -> float:
    """The recall to assume for :data:`DETERMINISTIC_RULES` when estimating how often two
    records match. The main rule needs a date of birth on both records, so it can only find the
    pairs where both have one: about the square of the share of records with a date. Assuming
    0.7 whatever the data under-estimated the prior 13 times over on extracts where three of
    seven systems hold no dates, so every match weight was 3.7 too low."""
    share = dated / records if records else 1.0
    return max(DETERMINISTIC_RECALL * share * share, 0.01)


def train(
    linker: Linker, *, seed: int = 1, max_pairs: float = 2e6, em_rules: list | None = None
) -> None:
    """Estimate the model's parameters from the data alone (no labels).

    ``em_rules`` replaces :data:`EM_RULES` for data they do not suit (the FEBRL benchmark has
    no UK postcodes, so the postcode rule finds no pairs)."""
    counted = linker.misc.query_sql(f"SELECT count(*) AS n, count(dob) AS dated FROM {CLEAN_TABLE}")
    row = counted.as_record_list()[0]
    records, dated = int(row["n"]), int(row["dated"])
    counted.drop_table_from_database_and_remove_from_cache()
    linker.training.estimate_probability_two_random_records_match(
        DETERMINISTIC_RULES, recall=deterministic_recall(records, dated)
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    for rule in em_rules or EM_RULES:
        linker.training.estimate_parameters_using_expectation_maximisation(
            em_rule_on_sample(rule, records), estimate_without_term_frequencies=True
        )


def initial_m(con: duckdb.DuckDBPyConnection) -> float:
    """How often one person's two records have one first name given only as an initial: about
    2s(1 - s), s the share of records whose first name is an initial. EM cannot learn it: the
    systems that give initials (a council tax account, "J Smith") seldom hold a date of birth,
    so no training sample holds such pairs, and the level was left unweighed. It is fixed from
    the data instead (like sex's m), when the linker is made (:func:`make_linker`)."""
    given, initials = run(
        con,
        f"SELECT count(first_name), count(*) FILTER (WHERE length(first_name) = 1) "
        f"FROM {CLEAN_TABLE}",
    )[0]
    share = initials / given if given else 0.0
    return max(2 * share * (1 - share), 1e-4)


def save_model(linker: Linker, models_dir: str | Path, *, now: dt.datetime | None = None) -> Path:
    """Write the trained model as ``<models_dir>/<UTC timestamp>-<content hash>.json``.

    The hash is of the model itself, so two runs that learnt the same parameters have the same
    suffix, and a file is never overwritten.
    """
    model = linker.misc.save_model_to_json()
    model.pop("linker_uid", None)
    text = json.dumps(model, indent=2, sort_keys=True)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%SZ")
    models_dir = Path(models_dir)
    models_dir.mkdir(parents=True, exist_ok=True)
    path = models_dir / f"{stamp}-{digest}.json"
    path.write_text(text + "\n", encoding="utf-8")
    return path


@dataclass(frozen=True)
class BlockingCount:
    rule: str
    comparisons: int
    cumulative: int
    largest_block: int  # records sharing the commonest value of the rule's keys


def blocking_counts(linker: Linker) -> list[BlockingCount]:
    """How many pairs each prediction rule adds (exact counts, not a sample), and how many
    records its biggest block holds: the number that explodes first on a council's data.

    The counts come from the blocked pairs themselves, which Splink keeps for ``predict``: each
    pair carries the first rule that made it, so the pairs are joined once, not once to count
    and again to score (at a million records the join is most of the cost of both)."""
    blocked = linker.inference.compute_blocked_pairs_for_predict()
    counted = linker.misc.query_sql(
        f"SELECT CAST(match_key AS INTEGER) AS rule, count(*) AS n "
        f"FROM {blocked.physical_name} GROUP BY 1"
    )
    by_rule = {int(row["rule"]): int(row["n"]) for row in counted.as_record_list()}
    counted.drop_table_from_database_and_remove_from_cache()
    counts: list[BlockingCount] = []
    cumulative = 0
    model = linker.misc.save_model_to_json()
    rules = [rule["blocking_rule"] for rule in model["blocking_rules_to_generate_predictions"]]
    for index, rule in enumerate(rules):
        keys = BLOCK_KEYS.get(rule, rule)
        largest = linker.blocking_analysis.n_largest_blocks(keys, n_largest=1)
        rows = largest.as_record_list()
        largest.drop_table_from_database_and_remove_from_cache()
        comparisons = by_rule.get(index, 0)
        cumulative += comparisons
        counts.append(
            BlockingCount(
                rule=rule,
                comparisons=comparisons,
                cumulative=cumulative,
                largest_block=max((int(row["count_l"]) for row in rows), default=0),
            )
        )
    return counts


@dataclass(frozen=True)
class LinkResult:
    records: int
    pairs_scored: int
    pairs_kept: int
    clusters: int
    model_path: Path | None
    threshold: float = PREDICT_THRESHOLD  # the clustering threshold used (chosen or given)
    refused: dict[str, int] | None = None  # joins the clustering checks refused, by reason
    labelled: int = 0  # people's confirmed matches the training used


def predict(
    linker: Linker, con: duckdb.DuckDBPyConnection, *, predict_threshold: float = PREDICT_THRESHOLD
) -> int:
    """Score the blocked pairs and keep those at or above ``predict_threshold`` in the
    predictions table. Returns the pairs kept."""
    predictions = linker.inference.predict(
        threshold_match_probability=predict_threshold, warning_mode="never"
    )
    # The scored pairs are already a table in this database: rename it rather than copy it
    # (Splink's clean-up below drops its tables by their old names, so it is left alone).
    run(con, f"DROP TABLE IF EXISTS {PREDICTIONS_TABLE}")
    run(con, f"ALTER TABLE {predictions.physical_name} RENAME TO {PREDICTIONS_TABLE}")
    linker.table_management.delete_tables_created_by_splink_from_db()
    return scalar(con, f"SELECT count(*) FROM {PREDICTIONS_TABLE}")


def cluster_predictions(
    con: duckdb.DuckDBPyConnection, *, threshold: float | None = None
) -> tuple[int, float, dict[str, int]]:
    """Cluster the predictions table at ``threshold`` (chosen from the predictions when None:
    ``clustering.choose_threshold``), obeying people's decisions and the clustering checks.
    Returns (clusters, threshold, joins refused by reason)."""
    chosen = threshold_from_predictions(con) if threshold is None else threshold
    clusters, refused = write_clusters(con, threshold=chosen)
    return clusters, chosen, refused


def predict_and_cluster(
    linker: Linker,
    con: duckdb.DuckDBPyConnection,
    *,
    threshold: float | None = None,
    predict_threshold: float = PREDICT_THRESHOLD,
) -> tuple[int, int]:
    """:func:`predict`, then :func:`cluster_predictions`. Returns (pairs kept, clusters)."""
    kept = predict(linker, con, predict_threshold=predict_threshold)
    clusters, _, _ = cluster_predictions(con, threshold=threshold)
    return kept, clusters


def link(
    con: duckdb.DuckDBPyConnection,
    *,
    models_dir: str | Path | None = "models",
    model: str | Path | None = None,
    threshold: float | None = None,
    seed: int = 1,
    backend: str = "duckdb",
    spark_master: str = "local[*]",
    progress: Callable[[str], None] | None = None,
) -> tuple[LinkResult, list[BlockingCount]]:
    """Train (or load ``model``), report blocking, predict and cluster the clean table.

    Training is always on DuckDB; with ``backend="spark"`` the trained (or loaded) model
    predicts on Spark (``borough.linkage.spark``), into the same table. Clustering is on DuckDB
    either way, at ``threshold`` or, when None, at the threshold chosen from the predictions.
    ``progress`` is told each step as it starts (counting pairs, training unless a model is
    given, predicting and clustering)."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}: choose from {', '.join(BACKENDS)}")
    progress = progress or (lambda step: None)
    linker = make_linker(con, model)
    progress("counting blocked pairs")
    counts = blocking_counts(linker)
    model_path = Path(model) if model else None
    labelled = 0
    if model is None:
        progress("training the model")
        train(linker, seed=seed)
        labelled = learn_from_decisions(linker, con)
        if models_dir is not None:
            model_path = save_model(linker, models_dir)
    progress(f"predicting on {'Spark' if backend == 'spark' else 'DuckDB'}")
    if backend == "spark":
        trained = model_path or linker.misc.save_model_to_json()
        # The blocked pairs counted above are DuckDB's; Spark makes its own.
        linker.table_management.delete_tables_created_by_splink_from_db()
        kept, _ = predict_and_cluster_with_spark(
            con, trained, master=spark_master, threshold=threshold or PREDICT_THRESHOLD
        )
    else:
        kept = predict(linker, con)
    progress("clustering")
    clusters, chosen, refused = cluster_predictions(con, threshold=threshold)
    records = scalar(con, f"SELECT count(*) FROM {CLEAN_TABLE}")
    result = LinkResult(
        records=records,
        pairs_scored=counts[-1].cumulative if counts else 0,
        pairs_kept=kept,
        clusters=clusters,
        model_path=model_path,
        threshold=chosen,
        refused=refused,
        labelled=labelled,
    )
    return result, counts
