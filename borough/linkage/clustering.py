"""From scored pairs to people: the threshold chosen from the data, and clustering that will not
chain two people together.

**The threshold.** Splink's probabilities come from the fitted model, so the model itself says
how many of the pairs above any threshold should be true: the sum of their probabilities. With
``E`` the expected number of true pairs among all scored pairs (the sum of every pair's
probability), a threshold ``t`` has expected precision ``sum(p >= t) / count(p >= t)`` and expected
recall ``sum(p >= t) / E``. :func:`choose_threshold` takes the threshold with the best expected
F1 among those whose expected precision is at least ``min_precision``; no labels, no constant
tuned on one generator. A Fellegi-Sunter model is over-confident where its evidence is not
independent (a household shares a surname, an address and a phone), so the precision floor is
set well above the precision we want to reach (0.999 for 0.97: measured on the independent
generator's extracts, FEBRL and Borough's own generator; docs/benchmarks.md).

**The checks.** Pairs are joined from the most to the least likely (union-find), and a join is
refused when it would put into one person:

- two records whose dates of birth are both known and disagree by more than a keying slip (not
  equal, not day and month swapped, not one digit or two neighbouring digits different), unless
  the pair itself scored above the threshold: the model saw the dates and linked them anyway;
- two records of a source that holds each person once, unless the pair itself scored above
  the threshold: two of them meeting only through a third record is the chaining that merges a
  household or namesakes. Off unless asked for (``cluster(apart_sources=...)``): which systems
  hold each person once is for the council to say; guessed from the data (fewer than 5% of a
  source's records pairing with another of its own) it cost the independent generator's
  extracts 2 points of recall, since an electoral register holds a person who moved twice;
- a pair a person rejected (``match_decisions``), directly or through a third record.

**Household evidence alone is not one person.** A scored pair is not a link at all when its
dates of birth disagree outright (more than a year apart and no keying slip), or its first or
middle names do (the comparison's "all other" level: not the same, a nickname, an initial,
swapped or a near spelling) while the dates of birth do not agree; an NI number in common
overrides both (:data:`NAME_CONTRADICTIONS`, :data:`DATE_CONTRADICTIONS`). A household shares
a surname, an address, a landline and often an email, and the model weighs each as if
independent, so two members of one household can outscore the threshold on shared evidence
alone (a rare surname's term frequency at one address); on the independent generator's
extracts 97% of such links above the threshold were two people. Names with an agreeing date
of birth are left to the model: FEBRL damages names beyond recognition, and twins are rarer
than damaged names.

Confirmed pairs (``match`` decisions) are joined first and are never refused.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Set
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from .db import run
from .schema import CLEAN_TABLE, CLUSTERS_TABLE, PREDICTIONS_TABLE

DECISIONS_TABLE = "match_decisions"
DECISIONS_DDL = f"""
CREATE TABLE IF NOT EXISTS {DECISIONS_TABLE} (
    unique_id_l VARCHAR NOT NULL,
    unique_id_r VARCHAR NOT NULL,
    decision VARCHAR NOT NULL,
    decided_by VARCHAR,
    decided_at TIMESTAMP NOT NULL
)
"""

#: The expected precision a chosen threshold must reach (see the module's docstring).
MIN_EXPECTED_PRECISION = 0.999
#: A source in which fewer than this share of records pair with another of its own records
#: above the threshold holds each person once: two of its records need a direct link.
SOURCE_DUPLICATES_AT_MOST = 0.05
#: People's decisions correct the model's prior once there are this many of them.
MIN_DECISIONS_TO_CORRECT = 10
#: A scored pair whose person's own details contradict it: a comparison of a person's own
#: details at its "all other comparisons" level (gamma 0; a missing value is -1, no
#: contradiction). Names that disagree are no contradiction when the dates of birth agree (the
#: same date, or day and month swapped): a keyed name can be damaged beyond recognition, and
#: twins are rarer than damaged names. Nothing is a contradiction when the NI numbers agree.
NAME_CONTRADICTIONS = ("gamma_first_name", "gamma_middle_names")
DATE_CONTRADICTIONS = ("gamma_dob",)
DATES_AGREE = (
    "coalesce(dob_l = dob_r OR (year(dob_l) = year(dob_r) AND day(dob_l) = month(dob_r) "
    "AND month(dob_l) = day(dob_r)), false)"
)
#: The chosen threshold stays within these bounds whatever the data.
THRESHOLD_BOUNDS = (0.5, 0.999)


def choose_threshold(
    probabilities: Iterable[float],
    *,
    min_precision: float = MIN_EXPECTED_PRECISION,
    bounds: tuple[float, float] = THRESHOLD_BOUNDS,
) -> float:
    """The threshold with the best expected F1 whose expected precision is at least
    ``min_precision``, from the scored pairs' probabilities alone (see the module docstring)."""
    values = sorted((float(p) for p in probabilities), reverse=True)
    expected_true = sum(values)
    lower, upper = bounds
    if not values or expected_true <= 0:
        return upper
    best_f1, best = -1.0, upper
    kept = 0.0
    for count, probability in enumerate(values, start=1):
        kept += probability
        if probability < lower:
            break
        # Only at the last of equal probabilities: a threshold keeps all of them or none.
        if count < len(values) and values[count] == probability:
            continue
        precision = kept / count
        if precision < min_precision:
            continue
        f1 = 2 * kept / (count + expected_true)
        if f1 > best_f1:
            best_f1, best = f1, probability
    return min(max(best, lower), upper)


def dates_compatible(left: dt.date, right: dt.date) -> bool:
    """The same date of birth, allowing one keying slip: day and month swapped, or one digit."""
    if left == right:
        return True
    if left.year == right.year and left.day == right.month and left.month == right.day:
        return True
    a, b = left.strftime("%Y%m%d"), right.strftime("%Y%m%d")
    if sum(x != y for x, y in zip(a, b, strict=True)) <= 1:
        return True
    # two neighbouring digits swapped (1984 / 1948)
    diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    return (
        len(diffs) == 2
        and diffs[1] == diffs[0] + 1
        and a[diffs[0]] == b[diffs[1]]
        and (a[diffs[1]] == b[diffs[0]])
    )


@dataclass
class _Group:
    dobs: dict[dt.date, list[str]] = field(default_factory=dict)  # date of birth -> records
    by_source: dict[str, list[str]] = field(default_factory=dict)  # only sources kept apart
    apart: set[str] = field(default_factory=set)  # records it must never hold


@dataclass
class CheckedClusters:
    """Union-find over records whose groups remember their dates of birth, their records of
    the sources that keep people apart, and the records they must never hold."""

    parent: dict[str, str]
    groups: dict[str, _Group]
    direct: set[tuple[str, str]] = field(default_factory=set)  # pairs linked directly
    refused: dict[str, int] = field(default_factory=dict)  # reason -> joins refused

    @classmethod
    def of(
        cls, records: Iterable[tuple[str, str, dt.date | None]], apart_sources: Set[str]
    ) -> CheckedClusters:
        parent, groups = {}, {}
        for unique_id, source, dob in records:
            parent[unique_id] = unique_id
            groups[unique_id] = _Group(
                dobs={dob: [unique_id]} if dob is not None else {},
                by_source={source: [unique_id]} if source in apart_sources else {},
            )
        return cls(parent=parent, groups=groups)

    def find(self, node: str) -> str:
        parent = self.parent
        root = node
        while parent[root] != root:
            root = parent[root]
        while parent[node] != root:
            parent[node], node = root, parent[node]
        return root

    def keep_apart(self, left: str, right: str) -> None:
        self.groups[self.find(left)].apart.add(right)
        self.groups[self.find(right)].apart.add(left)

    def _refuse(self, reason: str) -> bool:
        self.refused[reason] = self.refused.get(reason, 0) + 1
        return False

    def _all_direct(self, lefts: list[str], rights: list[str]) -> bool:
        direct = self.direct
        return all((min(x, y), max(x, y)) in direct for x in lefts for y in rights)

    def _why_not(self, a: str, b: str, *, checked: bool) -> str | None:
        group_a, group_b = self.groups[a], self.groups[b]
        if any(self.find(node) == b for node in group_a.apart) or any(
            self.find(node) == a for node in group_b.apart
        ):
            return "a person's decision keeps them apart"
        if not checked:
            return None
        for date_a, records_a in group_a.dobs.items():
            for date_b, records_b in group_b.dobs.items():
                if not dates_compatible(date_a, date_b) and not self._all_direct(
                    records_a, records_b
                ):
                    return "different dates of birth, not linked directly"
        small, large = sorted((group_a, group_b), key=lambda group: len(group.by_source))
        for source, records in small.by_source.items():
            others = large.by_source.get(source)
            if others and not self._all_direct(records, others):
                return "two records of one source, not linked directly"
        return None

    def join(self, left: str, right: str, *, checked: bool = True) -> bool:
        a, b = self.find(left), self.find(right)
        if a == b:
            return True
        reason = self._why_not(a, b, checked=checked)
        if reason:
            return self._refuse(reason)
        if b < a:
            a, b = b, a
        self.parent[b] = a
        group_a, group_b = self.groups[a], self.groups.pop(b)
        for date, records in group_b.dobs.items():
            group_a.dobs.setdefault(date, []).extend(records)
        group_a.apart |= group_b.apart
        for source, records in group_b.by_source.items():
            group_a.by_source.setdefault(source, []).extend(records)
        return True

    def clusters(self) -> dict[str, str]:
        """record -> cluster id (the smallest record id in the cluster, as Splink does)."""
        return {node: self.find(node) for node in self.parent}


def sources_keeping_people_apart(
    records: list[tuple[str, str, dt.date | None]], edges: list[tuple[str, str, float]]
) -> set[str]:
    """The sources in which fewer than :data:`SOURCE_DUPLICATES_AT_MOST` of the records are
    linked directly to another record of the same source: a system that holds each person once
    (an electoral register, a benefits caseload). A single file being de-duplicated, or a
    system full of duplicates, is not one of them."""
    source_of = {unique_id: source for unique_id, source, _ in records}
    sizes: dict[str, int] = {}
    for source in source_of.values():
        sizes[source] = sizes.get(source, 0) + 1
    duplicated: dict[str, set[str]] = {}
    for left, right, _ in edges:
        found = source_of.get(left)
        if found is not None and found == source_of.get(right):
            duplicated.setdefault(found, set()).update((left, right))
    return {
        source
        for source, size in sizes.items()
        if len(duplicated.get(source, ())) < SOURCE_DUPLICATES_AT_MOST * size
    }


def cluster(
    records: Iterable[tuple[str, str, dt.date | None]],
    edges: Iterable[tuple[str, str, float]],
    decisions: dict[tuple[str, str], str] | None = None,
    *,
    checks: bool = True,
    apart_sources: Set[str] | None = frozenset(),
) -> tuple[dict[str, str], dict[str, int]]:
    """Cluster ``records`` (unique_id, source, dob) from ``edges`` (unique_id_l, unique_id_r,
    probability) already at or above the threshold, with the checks of the module docstring
    (only people's decisions when ``checks`` is false). ``apart_sources`` names the sources that
    hold each person once; None finds them from the edges (:func:`sources_keeping_people_apart`).
    The default is none: on the independent generator's extracts the electoral register holds
    a person who moved twice, and the check cost 2 points of recall for no precision.
    Returns (record -> cluster id, joins refused by reason)."""
    decisions = decisions or {}
    records = list(records)
    edges = sorted(edges, key=lambda edge: (-edge[2], edge[0], edge[1]))
    if apart_sources is None:
        apart_sources = sources_keeping_people_apart(records, edges) if checks else set()
    if not checks:
        records = [(unique_id, source, None) for unique_id, source, _ in records]
    components = CheckedClusters.of(records, apart_sources)
    known = components.parent
    components.direct = {(min(left, right), max(left, right)) for left, right, _ in edges}
    for (left, right), decision in decisions.items():
        if left in known and right in known:
            if decision == "non_match":
                components.keep_apart(left, right)
            else:
                components.direct.add((left, right))
    for (left, right), decision in sorted(decisions.items()):
        if decision == "match" and left in known and right in known:
            components.join(left, right, checked=False)
    for left, right, _ in edges:
        if decisions.get((min(left, right), max(left, right))) != "non_match":
            components.join(left, right)
    return components.clusters(), components.refused


def current_decisions(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], str]:
    """The latest decision on each pair (the later row wins a tie on decided_at)."""
    run(con, DECISIONS_DDL)
    rows = run(
        con,
        f"SELECT unique_id_l, unique_id_r, arg_max(decision, (decided_at, rowid)) "
        f"FROM {DECISIONS_TABLE} GROUP BY 1, 2",
    )
    return {(left, right): decision for left, right, decision in rows}


def _sigmoid(weight: float) -> float:
    return 1.0 / (1.0 + 2.0 ** (-weight))


def prior_correction(decided: list[tuple[float, bool]]) -> float:
    """The match weight to add to every pair so that the decided pairs' probabilities add up to
    the matches people confirmed among them (bisection; 0 with fewer than
    :data:`MIN_DECISIONS_TO_CORRECT` decisions). It re-estimates the prior, the part of an
    unsupervised model that is most often wrong; clamped to +-10."""
    if len(decided) < MIN_DECISIONS_TO_CORRECT:
        return 0.0
    matches = sum(label for _, label in decided)
    low, high = -10.0, 10.0
    for _ in range(60):
        middle = (low + high) / 2
        if sum(_sigmoid(weight + middle) for weight, _ in decided) > matches:
            high = middle
        else:
            low = middle
    return (low + high) / 2


def uncontradicted(con: duckdb.DuckDBPyConnection, table: str = PREDICTIONS_TABLE) -> str:
    """SQL that keeps the pairs of ``table`` whose person's own details do not contradict them
    (:data:`NAME_CONTRADICTIONS`, :data:`DATE_CONTRADICTIONS`), as far as the table has the
    columns (an old run's predictions may lack some)."""
    columns = {row[0] for row in run(con, f"DESCRIBE {table}")}
    names = [f"{gamma} = 0" for gamma in NAME_CONTRADICTIONS if gamma in columns]
    dates = [f"{gamma} = 0" for gamma in DATE_CONTRADICTIONS if gamma in columns]
    disagree = dates[:]
    if names:
        rescued = DATES_AGREE if {"dob_l", "dob_r"} <= columns else "false"
        disagree.append(f"(({' OR '.join(names)}) AND NOT {rescued})")
    if not disagree:
        return "true"
    ni_agrees = (
        "coalesce(ni_number_l = ni_number_r, false)"
        if {"ni_number_l", "ni_number_r"} <= columns
        else "false"
    )
    return f"NOT (({' OR '.join(disagree)}) AND NOT {ni_agrees})"


def threshold_from_predictions(con: duckdb.DuckDBPyConnection) -> float:
    """:func:`choose_threshold` over the predictions table, corrected by people's decisions:
    a decided pair counts as certain (1 for a match, 0 for not), and every other pair's match
    weight moves by :func:`prior_correction`. Returns the threshold on the model's own
    (uncorrected) probabilities, which is what the clustering compares."""
    decisions = current_decisions(con)
    rows = con.sql(
        f"SELECT least(unique_id_l, unique_id_r), greatest(unique_id_l, unique_id_r), "
        f"match_weight FROM {PREDICTIONS_TABLE} WHERE {uncontradicted(con)}"
    ).fetchall()
    decided = [
        (float(weight), decisions[(left, right)] == "match")
        for left, right, weight in rows
        if (left, right) in decisions
    ]
    shift = prior_correction(decided)
    probabilities = [
        float(decisions[(left, right)] == "match")
        if (left, right) in decisions
        else _sigmoid(float(weight) + shift)
        for left, right, weight in rows
    ]
    chosen = choose_threshold(probabilities)
    lower, upper = THRESHOLD_BOUNDS
    raw = _sigmoid(_logit(chosen) - shift)
    return min(max(raw, lower), upper)


def _logit(probability: float) -> float:
    probability = min(max(probability, 1e-12), 1 - 1e-12)
    return math.log2(probability / (1 - probability))


def write_clusters(con: duckdb.DuckDBPyConnection, *, threshold: float) -> tuple[int, dict]:
    """Rewrite the clusters table from the predictions at ``threshold``, the people's decisions
    and the checks. Returns (clusters, joins refused by reason)."""
    decisions = current_decisions(con)
    records = run(con, f"SELECT unique_id, source, dob FROM {CLEAN_TABLE}")
    edges = run(
        con,
        f"SELECT unique_id_l, unique_id_r, match_probability FROM {PREDICTIONS_TABLE} "
        f"WHERE match_probability >= ? AND {uncontradicted(con)}",
        [threshold],
    )
    clusters, refused = cluster(records, edges, decisions)
    table = pa.table(
        {
            "unique_id": pa.array(list(clusters), pa.string()),
            "cluster_id": pa.array(list(clusters.values()), pa.string()),
        }
    )
    con.register("incoming_clusters", table)
    try:
        run(
            con,
            f"CREATE OR REPLACE TABLE {CLUSTERS_TABLE} AS SELECT i.unique_id, i.cluster_id, "
            f"c.source FROM incoming_clusters i JOIN {CLEAN_TABLE} c USING (unique_id)",
        )
    finally:
        con.unregister("incoming_clusters")
    return len(set(clusters.values())), refused
