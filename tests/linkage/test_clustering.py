"""Issue 18: the threshold is chosen from the data, clustering does not chain different people,
and people's review decisions change the next run."""

import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest

from borough.linkage import clustering
from borough.linkage import link as linkage
from borough.linkage.clustering import choose_threshold, cluster, dates_compatible
from borough.linkage.db import run
from borough.linkage.generate import generate
from borough.linkage.ingest import ingest
from borough.linkage.review import write_review_pairs
from borough.linkage.standardise import standardise_table

D1, D2 = dt.date(1980, 1, 2), dt.date(1975, 6, 6)


def test_the_threshold_follows_the_scores_not_a_constant():
    # Well separated scores: a low threshold loses no precision and finds every pair.
    separated = [0.99999] * 2000 + [0.6] * 2
    # The same matches with many doubtful pairs between 0.5 and 0.98.
    doubtful = [0.9999] * 200 + [0.55, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98] * 40
    low, high = choose_threshold(separated), choose_threshold(doubtful)
    assert low <= 0.6
    assert high > 0.95
    # Expected precision of the pairs kept is at least the floor.
    kept = [p for p in doubtful if p >= high]
    assert sum(kept) / len(kept) >= clustering.MIN_EXPECTED_PRECISION


@pytest.mark.parametrize(
    ("left", "right", "same"),
    [
        (D1, D1, True),
        (dt.date(1980, 1, 2), dt.date(1980, 2, 1), True),  # day and month swapped
        (dt.date(1980, 1, 2), dt.date(1981, 1, 2), True),  # one digit
        (dt.date(1984, 1, 2), dt.date(1948, 1, 2), True),  # two digits swapped
        (D1, D2, False),
        (dt.date(1980, 1, 2), dt.date(1990, 11, 2), False),
    ],
)
def test_dates_of_birth_allow_one_keying_slip(left, right, same):
    assert dates_compatible(left, right) is same


def test_two_dates_of_birth_are_not_chained_through_a_record_without_one():
    # A and C are different people (different dates); B has no date and pairs with both.
    records = [("a:1", "a", D1), ("b:1", "b", None), ("c:1", "c", D2)]
    edges = [("a:1", "b:1", 0.99), ("b:1", "c:1", 0.98)]
    clusters, refused = cluster(records, edges)
    assert clusters["a:1"] == clusters["b:1"] != clusters["c:1"]
    assert refused == {"different dates of birth, not linked directly": 1}
    # Without the checks (Splink's connected components) all three are one person.
    plain, _ = cluster(records, edges, checks=False)
    assert len(set(plain.values())) == 1
    # The model scored A and C together itself: the dates are a typo it has weighed.
    linked, _ = cluster(records, [*edges, ("a:1", "c:1", 0.97)])
    assert len(set(linked.values())) == 1


def _register(n):
    return [(f"er:{i}", "er", None) for i in range(n)]


def test_a_source_that_holds_each_person_once_is_not_chained():
    # Two electors (no duplicates anywhere in the register) meet only through a council tax
    # record of their household.
    records = [*_register(40), ("ct:1", "ct", None)]
    edges = [("er:1", "ct:1", 0.99), ("ct:1", "er:2", 0.98)]
    clusters, refused = cluster(records, edges, apart_sources=None)
    assert clusters["er:1"] == clusters["ct:1"] != clusters["er:2"]
    assert refused == {"two records of one source, not linked directly": 1}


def test_by_default_no_source_is_assumed_to_hold_each_person_once():
    records = [*_register(40), ("ct:1", "ct", None)]
    edges = [("er:1", "ct:1", 0.99), ("ct:1", "er:2", 0.98)]
    clusters, refused = cluster(records, edges)
    assert clusters["er:1"] == clusters["er:2"] and refused == {}


def test_a_source_with_many_duplicates_is_chained_as_before():
    # A single file being de-duplicated: a person's third record joins through the second.
    records = [(f"f:{i}", "f", None) for i in range(6)]
    edges = [("f:0", "f:1", 0.99), ("f:1", "f:2", 0.98), ("f:3", "f:4", 0.97)]
    clusters, refused = cluster(records, edges, apart_sources=None)
    assert clusters["f:0"] == clusters["f:1"] == clusters["f:2"]
    assert refused == {}


def test_a_rejected_pair_stays_apart_and_a_confirmed_pair_joins():
    records = [("a:1", "a", D1), ("b:1", "b", None), ("c:1", "c", D2)]
    decisions = {("a:1", "b:1"): "non_match", ("b:1", "c:1"): "match"}
    clusters, refused = cluster(records, [("a:1", "b:1", 0.999)], decisions)
    assert clusters["b:1"] == clusters["c:1"] != clusters["a:1"]


def _predictions(con, rows):
    run(
        con,
        "CREATE OR REPLACE TABLE predictions (unique_id_l VARCHAR, unique_id_r VARCHAR, "
        "match_weight DOUBLE, match_probability DOUBLE)",
    )
    con.executemany(
        "INSERT INTO predictions VALUES (?, ?, ?, 1 / (1 + pow(2, -?)))",
        [(left, right, weight, weight) for left, right, weight in rows],
    )


def test_a_pair_whose_names_or_dates_disagree_outright_is_no_link():
    # Two members of one household score above any threshold on a shared surname, address and
    # landline; their own details (first name, date of birth) disagree, so they stay two people
    # unless the NI numbers say they are one.
    con = duckdb.connect()
    run(con, "CREATE TABLE records_clean (unique_id VARCHAR, source VARCHAR, dob DATE)")
    con.executemany(
        "INSERT INTO records_clean VALUES (?, 'x', NULL)",
        [[f"{pair}{side}"] for pair in "abcdefg" for side in "lr"],
    )
    run(
        con,
        "CREATE TABLE predictions (unique_id_l VARCHAR, unique_id_r VARCHAR, match_weight "
        "DOUBLE, match_probability DOUBLE, gamma_first_name INTEGER, gamma_middle_names "
        "INTEGER, gamma_dob INTEGER, ni_number_l VARCHAR, ni_number_r VARCHAR, dob_l DATE, "
        "dob_r DATE)",
    )
    old, young = dt.date(1950, 3, 4), dt.date(1979, 8, 1)
    con.executemany(
        "INSERT INTO predictions VALUES (?, ?, 20, 0.999999, ?, ?, ?, ?, ?, ?, ?)",
        [
            ("al", "ar", 0, -1, -1, None, None, None, None),  # first names differ, no dates
            ("bl", "br", 6, -1, 0, None, None, old, young),  # same name, dates years apart
            ("cl", "cr", 0, -1, 0, "AB123456C", "AB123456C", old, young),  # NI: one person
            ("dl", "dr", 1, -1, -1, None, None, None, None),  # similar first names: the model
            ("el", "er", 6, -1, 1, None, None, None, None),  # dates within a year: the model
            ("fl", "fr", 6, 0, -1, None, None, None, None),  # John Paul and John Michael
            ("gl", "gr", 0, -1, 4, None, None, old, old),  # a name damaged, the date agrees
        ],
    )
    clustering.write_clusters(con, threshold=0.99)
    clusters = dict(run(con, "SELECT unique_id, cluster_id FROM clusters"))
    together = {pair for pair in "abcdefg" if clusters[f"{pair}l"] == clusters[f"{pair}r"]}
    assert together == {"c", "d", "e", "g"}


def test_decisions_that_reject_confident_pairs_raise_the_threshold():
    con = duckdb.connect()
    # 300 pairs the model is sure of, 60 it gives 0.85 to 0.97 (weights 2.5 to 5).
    sure = [(f"s:{i}", f"t:{i}", 12.0) for i in range(300)]
    middle = [(f"m:{i}", f"n:{i}", 2.5 + (i % 6) * 0.5) for i in range(60)]
    _predictions(con, sure + middle)
    before = clustering.threshold_from_predictions(con)
    # Officers look at twelve of the middle pairs and reject them all: the model is
    # over-confident there, so every undecided middle pair is worth less than it says.
    run(con, clustering.DECISIONS_DDL)
    con.executemany(
        "INSERT INTO match_decisions VALUES (?, ?, 'non_match', 'officer', now())",
        [(left, right) for left, right, _ in middle[:12]],
    )
    after = clustering.threshold_from_predictions(con)
    assert after > before
    assert clustering.prior_correction([(3.0, False)] * 12) < 0


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("decided")
    summary = generate(people=300, sources=4, seed=3, out=out)
    con = duckdb.connect(str(out / "people.duckdb"))
    ingest(summary.mappings, con)
    standardise_table(con)
    yield con, out
    con.close()


def test_confirmed_review_pairs_change_the_next_model(small_run):
    con, out = small_run
    first, _ = linkage.link(con, models_dir=out / "m1", seed=1)
    assert first.labelled == 0
    # Officers confirm the pairs the model was least sure of (the review queue's first ones).
    from borough.linkage.person_ids import assign_person_ids

    assign_person_ids(con, model=str(first.model_path), threshold=first.threshold)
    write_review_pairs(con, lower=0.0, upper=1.0)
    pairs = run(con, "SELECT unique_id_l, unique_id_r FROM review_pairs LIMIT 25")
    assert len(pairs) == 25
    run(con, clustering.DECISIONS_DDL)
    con.executemany("INSERT INTO match_decisions VALUES (?, ?, 'match', 'officer', now())", pairs)
    second, _ = linkage.link(con, models_dir=out / "m2", seed=1)
    assert second.labelled == 25
    m_before = _m_probabilities(first.model_path)
    m_after = _m_probabilities(second.model_path)
    assert m_before != m_after
    # and each confirmed pair is one person
    for left, right in pairs:
        clusters = dict(run(con, "SELECT unique_id, cluster_id FROM clusters"))
        assert clusters[left] == clusters[right]


def _m_probabilities(path):
    model = json.loads(path.read_text(encoding="utf-8"))
    return [
        level.get("m_probability")
        for comparison in model["comparisons"]
        for level in comparison["comparison_levels"]
    ]


def _linked_once(con, out):
    if not run(
        con, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'link_runs'"
    )[0][0]:
        from borough.linkage.person_ids import assign_person_ids

        result, _ = linkage.link(con, models_dir=out / "m0", seed=1)
        assign_person_ids(con, model=str(result.model_path), threshold=result.threshold)


def test_the_review_queue_starts_with_the_pairs_nearest_the_threshold(small_run):
    con, out = small_run
    _linked_once(con, out)
    threshold = run(con, "SELECT threshold FROM link_runs ORDER BY run_id DESC LIMIT 1")[0][0]
    write_review_pairs(con, lower=0.0, upper=1.0)
    weights = [row[0] for row in run(con, "SELECT match_weight FROM review_pairs")]
    target = clustering._logit(threshold)
    distances = [abs(weight - target) for weight in weights]
    assert distances == sorted(distances)
    assert len(distances) > 10


def test_a_missing_date_of_birth_is_no_evidence_either_way(small_run):
    """A source without dates (council tax) is not judged as if every pair disagreed: the pair
    falls in the date comparison's null level, whose match weight is 0."""
    con, out = small_run
    _linked_once(con, out)
    levels = run(
        con,
        "SELECT DISTINCT gamma_dob FROM predictions WHERE dob_l IS NULL OR dob_r IS NULL",
    )
    assert levels == [(-1,)]
    path = run(con, "SELECT model FROM link_runs ORDER BY run_id DESC LIMIT 1")[0][0]
    model = json.loads(Path(path).read_text(encoding="utf-8"))
    dob = next(c for c in model["comparisons"] if c["output_column_name"] == "dob")
    null_level = dob["comparison_levels"][0]
    assert null_level["is_null_level"] is True
    assert "m_probability" not in null_level  # no weight: neither for nor against
