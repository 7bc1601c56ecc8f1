"""Predict and cluster on Spark with the model trained on DuckDB.

Training stays on DuckDB (it works on samples and is quick at any size); a council whose records
outgrow one machine runs the expensive part, scoring every blocked pair and clustering, on Spark.
The same saved model JSON is used: its parameters (m and u probabilities, the prior) unchanged,
its SQL conditions translated from DuckDB's dialect to Spark's by :func:`model_for_spark`.

Rows move through Parquet, in both directions: DuckDB writes the clean table, Spark reads it,
and Spark's predictions and clusters are read back into the same DuckDB tables (``predictions``
and ``clusters``) the DuckDB backend writes, so person ids and everything downstream of them
work unchanged. Parquet needs no pandas and works the same on one laptop or a cluster's shared
storage.

pyspark is an optional extra: ``pip install -e '.[spark]'`` (Java 17 must be installed).
"""

from __future__ import annotations

import copy
import json
import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import sqlglot
from splink import Linker
from sqlglot import exp

from .db import run, scalar
from .schema import (
    CLEAN_TABLE,
    CLUSTER_THRESHOLD,
    CLUSTERS_TABLE,
    PREDICT_THRESHOLD,
    PREDICTIONS_TABLE,
)

#: Settings for a local session: one machine, few partitions (Spark's default of 200 shuffle
#: partitions costs seconds of scheduling on a small extract), no web UI, quiet logs.
LOCAL_SESSION_CONF = {
    "spark.sql.shuffle.partitions": "1",
    "spark.default.parallelism": "1",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.adaptive.enabled": "false",
    "spark.sql.codegen.wholeStage": "false",
    "spark.driver.memory": "2g",
    "spark.sql.session.timeZone": "UTC",
    # A short job on small data spends most of its time compiling: the quick JIT tier only.
    "spark.driver.extraJavaOptions": "-Duser.timezone=UTC -XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
    "spark.executor.extraJavaOptions": "-Duser.timezone=UTC",
}


class SparkUnavailable(RuntimeError):
    """pyspark (or Java) is not installed."""


def _spark_functions(node: exp.Expression) -> exp.Expression:
    """DuckDB functions the model uses, as their Spark equivalents (Splink's jar supplies
    ``jaro_winkler`` and ``damerau_levenshtein`` to Spark)."""
    if isinstance(node, exp.JarowinklerSimilarity):
        return exp.Anonymous(this="jaro_winkler", expressions=[node.this, node.expression])
    if isinstance(node, exp.Anonymous) and node.name.lower() in {
        "list_intersect",
        "array_intersect",
    }:
        return exp.Anonymous(this="array_intersect", expressions=list(node.expressions))
    # Both 1-based: DuckDB's list_extract and list_position, Spark's element_at and
    # array_position (the street rule: the word after the house number).
    if isinstance(node, exp.Anonymous) and node.name.lower() == "list_extract":
        array, index = node.expressions
        return exp.Anonymous(
            this="element_at", expressions=[array, exp.cast(index, exp.DataType.build("int"))]
        )
    if isinstance(node, exp.Anonymous) and node.name.lower() == "list_position":
        return exp.Anonymous(this="array_position", expressions=list(node.expressions))
    if isinstance(node, exp.ArrayIntersect):
        return exp.Anonymous(this="array_intersect", expressions=list(node.expressions))
    if isinstance(node, exp.Length | exp.ArraySize) and (
        isinstance(node.this, exp.Anonymous) and node.this.name.lower() == "array_intersect"
    ):
        return exp.Anonymous(this="size", expressions=[node.this])
    return node


def to_spark_sql(condition: str) -> str:
    """One SQL condition written for DuckDB, rewritten for Spark."""
    tree = sqlglot.parse_one(condition, read="duckdb")
    tree = tree.transform(_spark_functions)
    # transform() visits parents before children, so a length() around an intersection is
    # seen before the intersection is renamed: a second pass catches it.
    tree = tree.transform(_spark_functions)
    return tree.sql(dialect="spark")


def model_for_spark(model: dict) -> dict:
    """A copy of a saved (DuckDB) model with every SQL condition in Spark's dialect.

    Probabilities, labels and column names are untouched: it is the same model."""
    spark_model = copy.deepcopy(model)
    spark_model.pop("sql_dialect", None)
    spark_model.pop("linker_uid", None)
    for comparison in spark_model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level["sql_condition"].strip().upper() != "ELSE":
                level["sql_condition"] = to_spark_sql(level["sql_condition"])
    for rule in spark_model.get("blocking_rules_to_generate_predictions", []):
        rule["blocking_rule"] = to_spark_sql(rule["blocking_rule"])
        rule.pop("sql_dialect", None)
    return spark_model


@contextmanager
def local_session(
    *,
    master: str = "local[1]",
    conf: dict[str, str] | None = None,
    work_dir: str | Path | None = None,
) -> Iterator:
    """A Spark session (local by default) with Splink's similarity functions, stopped on exit.

    ``work_dir`` holds Spark's scratch files and checkpoints; on a cluster it must be storage
    every executor can reach."""
    # pyspark is the optional extra 'spark' (about 320 MB, needs Java 17): imported only when a
    # Spark session is asked for, so the engine and its DuckDB backend run without it.
    try:
        from pyspark import SparkConf  # noqa: PLC0415 - optional heavy dependency
        from pyspark.sql import SparkSession  # noqa: PLC0415 - optional heavy dependency
        from splink.backends.spark import (  # noqa: PLC0415 - imports pyspark
            similarity_jar_location,
        )
    except ImportError as error:  # pragma: no cover - depends on the installed extras
        raise SparkUnavailable(
            "the Spark backend needs pyspark: pip install -e '.[spark]' (and Java 17)"
        ) from error

    # py4j logs at INFO while the interpreter shuts down, after logging's streams are closed.
    logging.getLogger("py4j").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="borough-spark-", dir=work_dir) as tmp:
        settings = SparkConf().setMaster(master).setAppName("borough-linkage")
        for key, value in (LOCAL_SESSION_CONF | (conf or {})).items():
            settings.set(key, value)
        settings.set("spark.jars", similarity_jar_location())
        settings.set("spark.local.dir", str(Path(tmp) / "local"))
        settings.set("spark.sql.warehouse.dir", str(Path(tmp) / "warehouse"))
        spark = SparkSession.builder.config(conf=settings).getOrCreate()
        spark.sparkContext.setLogLevel("ERROR")
        spark.sparkContext.setCheckpointDir(str(Path(tmp) / "checkpoints"))
        try:
            yield spark
        finally:
            spark.stop()


def predict_and_cluster_on_spark(
    con: duckdb.DuckDBPyConnection,
    model: str | Path | dict,
    spark,
    *,
    threshold: float = CLUSTER_THRESHOLD,
    predict_threshold: float = PREDICT_THRESHOLD,
    work_dir: str | Path | None = None,
) -> tuple[int, int]:
    """Score and cluster the clean table on ``spark`` with a saved model, writing the DuckDB
    ``predictions`` and ``clusters`` tables as :func:`link.predict_and_cluster` does.
    Returns (pairs kept, clusters)."""
    # Splink's Spark backend imports pyspark, the optional extra: only once Spark is in use.
    from splink.backends.spark import SparkAPI  # noqa: PLC0415 - imports pyspark

    saved: dict = (
        model if isinstance(model, dict) else json.loads(Path(model).read_text(encoding="utf-8"))
    )
    with tempfile.TemporaryDirectory(prefix="borough-spark-io-", dir=work_dir) as tmp:
        clean = Path(tmp) / "clean.parquet"
        run(con, f"COPY {CLEAN_TABLE} TO '{clean}' (FORMAT parquet)")
        db_api = SparkAPI(spark_session=spark, break_lineage_method="parquet")
        data = db_api.register(spark.read.parquet(str(clean)), table_name=CLEAN_TABLE)
        linker = Linker(data, model_for_spark(saved), log_level=logging.ERROR)
        predictions = linker.inference.predict(
            threshold_match_probability=predict_threshold, warning_mode="never"
        )
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=threshold
        )
        predictions_dir = Path(tmp) / "predictions"
        clusters_dir = Path(tmp) / "clusters"
        predictions.as_spark_dataframe().write.parquet(str(predictions_dir))
        clusters.as_spark_dataframe().select("unique_id", "cluster_id", "source").write.parquet(
            str(clusters_dir)
        )
        linker.table_management.delete_tables_created_by_splink_from_db()
        run(
            con,
            f"CREATE OR REPLACE TABLE {PREDICTIONS_TABLE} AS "
            f"SELECT * FROM read_parquet('{predictions_dir}/*.parquet')",
        )
        run(
            con,
            f"CREATE OR REPLACE TABLE {CLUSTERS_TABLE} AS "
            f"SELECT unique_id, cluster_id, source FROM read_parquet('{clusters_dir}/*.parquet')",
        )
    kept = scalar(con, f"SELECT count(*) FROM {PREDICTIONS_TABLE}")
    count = scalar(con, f"SELECT count(DISTINCT cluster_id) FROM {CLUSTERS_TABLE}")
    return kept, count


def predict_and_cluster_with_spark(
    con: duckdb.DuckDBPyConnection,
    model: str | Path | dict,
    *,
    master: str = "local[*]",
    threshold: float = CLUSTER_THRESHOLD,
    predict_threshold: float = PREDICT_THRESHOLD,
    work_dir: str | Path | None = None,
) -> tuple[int, int]:
    """:func:`predict_and_cluster_on_spark` in a session started (and stopped) for the run."""
    with local_session(master=master, work_dir=work_dir) as spark:
        return predict_and_cluster_on_spark(
            con,
            model,
            spark,
            threshold=threshold,
            predict_threshold=predict_threshold,
            work_dir=work_dir,
        )
