"""People's decisions in the next training: Splink's labelled pairs.

The model is trained without labels (``link.train``). Once people have confirmed enough pairs
in the review band (:data:`MIN_LABELLED_MATCHES`), the confirmed matches are given to Splink's
``estimate_m_from_pairwise_labels`` after expectation maximisation: Splink keeps each training
session's estimate of a level's m probability and the model uses their average, so the labels
move the m probabilities towards what one person's records really look like in this council's
data, without throwing away what EM learnt from everyone. Rejected pairs cannot teach m (they
are not matches); they and the confirmed ones correct the threshold instead
(``clustering.threshold_from_predictions``).
"""

from __future__ import annotations

import duckdb
from splink import Linker

from .clustering import current_decisions
from .db import run
from .schema import CLEAN_TABLE

#: Confirmed matches needed before they take part in training: a handful of pairs, all from the
#: review band's hard cases, would pull the m probabilities too far.
MIN_LABELLED_MATCHES = 20
LABELS_TABLE = "training_labels"


def learn_from_decisions(
    linker: Linker, con: duckdb.DuckDBPyConnection, *, at_least: int = MIN_LABELLED_MATCHES
) -> int:
    """Estimate m from the confirmed matches whose records are both still held, when there
    are at least ``at_least`` of them. Returns how many were used (0 when too few)."""
    known = {row[0] for row in run(con, f"SELECT unique_id FROM {CLEAN_TABLE}")}
    pairs = [
        pair
        for pair, decision in current_decisions(con).items()
        if decision == "match" and pair[0] in known and pair[1] in known
    ]
    if len(pairs) < at_least:
        return 0
    run(con, f"CREATE OR REPLACE TABLE {LABELS_TABLE} (unique_id_l VARCHAR, unique_id_r VARCHAR)")
    con.executemany(f"INSERT INTO {LABELS_TABLE} VALUES (?, ?)", pairs)
    try:
        linker.training.estimate_m_from_pairwise_labels(LABELS_TABLE)
    finally:
        run(con, f"DROP TABLE IF EXISTS {LABELS_TABLE}")
    return len(pairs)
