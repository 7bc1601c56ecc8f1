"""Compare the clusters with the truth the generator wrote: pairwise precision, recall and F1.

Pairwise: every two records in one predicted cluster are a predicted pair; every two records of
one true person are a true pair. Precision is the share of predicted pairs that are true, recall
the share of true pairs that were predicted. Pairwise scores weigh big clusters heavily (a
person with 10 records has 45 pairs), so two cluster-level scores sit beside them:

- cluster accuracy, the share of people whose records make up exactly one cluster with nothing
  else in it (and the share of predicted clusters that are exactly one person);
- B-cubed precision and recall (Bagga and Baldwin, 1998): for each record, the share of its
  cluster that is the same person, and the share of its person that is in its cluster, averaged
  over records. Every record counts once whatever the size of its cluster.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from .db import run
from .schema import CLUSTERS_TABLE


@dataclass(frozen=True)
class Evaluation:
    records: int
    people: int
    clusters: int
    predicted_pairs: int
    true_pairs: int
    true_positive_pairs: int
    people_exactly_right: int
    bcubed_precision: float = 1.0
    bcubed_recall: float = 1.0

    @property
    def precision(self) -> float:
        return self.true_positive_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.true_positive_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    @property
    def cluster_accuracy(self) -> float:
        return self.people_exactly_right / self.people if self.people else 1.0

    @property
    def bcubed_f1(self) -> float:
        total = self.bcubed_precision + self.bcubed_recall
        return 2 * self.bcubed_precision * self.bcubed_recall / total if total else 0.0

    @property
    def clusters_exactly_right(self) -> float:
        """The share of predicted clusters that are exactly one whole person."""
        return self.people_exactly_right / self.clusters if self.clusters else 1.0

    def summary(self) -> str:
        return (
            f"records {self.records}, people {self.people}, clusters {self.clusters}\n"
            f"pairs: predicted {self.predicted_pairs}, true {self.true_pairs}, "
            f"both {self.true_positive_pairs}\n"
            f"precision {self.precision:.4f}  recall {self.recall:.4f}  F1 {self.f1:.4f}\n"
            f"people whose records form exactly one cluster: {self.cluster_accuracy:.4f}\n"
            f"clusters that are exactly one person: {self.clusters_exactly_right:.4f}\n"
            f"B-cubed precision {self.bcubed_precision:.4f}  recall {self.bcubed_recall:.4f}  "
            f"F1 {self.bcubed_f1:.4f}"
        )


def evaluate(con: duckdb.DuckDBPyConnection, truth_csv: str | Path) -> Evaluation:
    """Score the clusters table against a truth CSV (source, source_id, person_id)."""
    run(
        con,
        "CREATE OR REPLACE TEMP TABLE truth AS SELECT source || ':' || source_id AS unique_id, "
        "person_id FROM read_csv(?, header = true, all_varchar = true)",
        [str(truth_csv)],
    )
    (row,) = run(
        con,
        f"""
        WITH joined AS (
            SELECT c.unique_id, c.cluster_id, t.person_id
            FROM {CLUSTERS_TABLE} c JOIN truth t USING (unique_id)
        ),
        by_cluster AS (SELECT cluster_id, count(*) AS n FROM joined GROUP BY cluster_id),
        by_person AS (
            SELECT person_id, count(*) AS n, count(DISTINCT cluster_id) AS clusters,
                   any_value(cluster_id) AS cluster_id
            FROM joined GROUP BY person_id
        ),
        by_both AS (
            SELECT cluster_id, person_id, count(*) AS n FROM joined GROUP BY cluster_id, person_id
        ),
        bcubed AS (
            SELECT sum(b.n * b.n / c.n) AS precision_sum, sum(b.n * b.n / p.n) AS recall_sum
            FROM by_both b JOIN by_cluster c USING (cluster_id) JOIN by_person p USING (person_id)
        )
        SELECT
            (SELECT count(*) FROM joined),
            (SELECT count(*) FROM by_person),
            (SELECT count(*) FROM by_cluster),
            (SELECT coalesce(sum(n * (n - 1) // 2), 0) FROM by_cluster),
            (SELECT coalesce(sum(n * (n - 1) // 2), 0) FROM by_person),
            (SELECT coalesce(sum(n * (n - 1) // 2), 0) FROM by_both),
            (SELECT count(*) FROM by_person p JOIN by_cluster c USING (cluster_id)
             WHERE p.clusters = 1 AND p.n = c.n),
            (SELECT coalesce(precision_sum, 0) FROM bcubed),
            (SELECT coalesce(recall_sum, 0) FROM bcubed)
        """,
    )
    counts, (precision_sum, recall_sum) = row[:7], row[7:]
    records, people, clusters, predicted, true, true_positive, exactly_right = (
        int(value) for value in counts
    )
    return Evaluation(
        records,
        people,
        clusters,
        predicted,
        true,
        true_positive,
        exactly_right,
        bcubed_precision=float(precision_sum) / records if records else 1.0,
        bcubed_recall=float(recall_sum) / records if records else 1.0,
    )
