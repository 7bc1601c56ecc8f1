"""Households, golden record, data quality, the review band with decisions, and incremental
linking, on 2,000 generated people in 4 systems (about 3,100 records, 2% of the council tax
extract held back to arrive later)."""

import csv
import json
import random
import shutil
from collections import Counter, defaultdict

import duckdb
import pytest
import yaml

from borough.linkage.cli import main
from borough.linkage.db import run
from borough.linkage.generate import generate
from borough.linkage.golden import GoldenRulesError, build_golden, load_rules
from borough.linkage.households import (
    GazetteerError,
    build_households,
    evaluate_addresses,
    load_gazetteer,
)
from borough.linkage.incremental import IncrementalError, link_incremental
from borough.linkage.quality import build_quality
from borough.linkage.review import DecisionsError, load_decisions, write_review_pairs

DQ_QUERIES = (
    "SELECT * FROM dq_duplicates ORDER BY ALL",
    "SELECT * FROM dq_conflicts ORDER BY ALL",
)


def _latest(con):
    run_id = run(con, "SELECT max(run_id) FROM person_ids")[0][0]
    return dict(run(con, "SELECT unique_id, person_id FROM person_ids WHERE run_id = ?", [run_id]))


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """A linked database built by the command line, and the records held back from it."""
    out = tmp_path_factory.mktemp("single-view")
    summary = generate(people=2000, sources=4, seed=1, out=out)
    extract = out / "council_tax.csv"
    with extract.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows, header = list(reader), reader.fieldnames
    rng = random.Random(1)
    held = set(rng.sample(range(len(rows)), len(rows) // 50))
    keep = [row for index, row in enumerate(rows) if index not in held]
    new = [row for index, row in enumerate(rows) if index in held]
    changed = [dict(row) for row in rng.sample(keep, 8)]
    for row in changed:
        row["Contact Tel"] = "07700 900999"
    for path, data in ((extract, keep), (out / "later" / "council_tax.csv", new + changed)):
        path.parent.mkdir(exist_ok=True)
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=header)
            writer.writeheader()
            writer.writerows(data)
    shutil.copy(out / "council_tax.yaml", out / "later" / "council_tax.yaml")
    db = out / "people.duckdb"
    mappings = [str(path) for path in summary.mappings]
    assert main(["ingest", *mappings, "--db", str(db)]) == 0
    assert main(["standardise", "--db", str(db)]) == 0
    link = ["link", "--db", str(db), "--models-dir", str(out / "models")]
    assert main([*link, "--gazetteer", str(summary.gazetteer)]) == 0
    with summary.truth.open(encoding="utf-8") as handle:
        truth = {f"{r['source']}:{r['source_id']}": r for r in csv.DictReader(handle)}
    return {
        "out": out,
        "db": db,
        "summary": summary,
        "truth": truth,
        "new": {f"council_tax:{row['Account Ref']}" for row in new},
        "changed": {f"council_tax:{row['Account Ref']}" for row in changed},
        "later": out / "later" / "council_tax.yaml",
    }


@pytest.fixture
def db_copy(base, tmp_path):
    path = tmp_path / "people.duckdb"
    shutil.copy(base["db"], path)
    return path


def test_households_group_people_by_uprn_and_gazetteer_matches(base):
    con = duckdb.connect(str(base["db"]), read_only=True)
    people = _latest(con)
    members = run(con, "SELECT household_id, person_id FROM household_members")
    assert len({person for _, person in members}) == len(members), "one household a person"
    assert len(members) >= 0.95 * len(set(people.values()))
    kinds = Counter(row[0] for row in run(con, "SELECT matched_by FROM households"))
    assert kinds["uprn"] and kinds["gazetteer"], kinds
    # Addresses without a UPRN in the extract: nearly all found in the gazetteer, and right.
    accuracy = evaluate_addresses(con, base["summary"].truth)
    assert accuracy.without_uprn > 1000
    assert accuracy.match_rate >= 0.95 and accuracy.precision >= 0.98, accuracy.summary()
    # Most households are one true address: members' records mostly carry that true UPRN.
    truth = base["truth"]
    right = total = 0
    by_person = defaultdict(set)
    for unique_id, person_id in people.items():
        by_person[person_id].add(truth[unique_id]["uprn"])
    for household_id, person_id in members:
        if household_id.startswith("HH-A"):
            continue
        total += 1
        right += household_id.removeprefix("HH-") in by_person[person_id]
    assert right >= 0.97 * total


def test_a_bad_gazetteer_is_refused_and_the_old_one_kept(base, db_copy, tmp_path):
    con = duckdb.connect(str(db_copy))
    before = run(con, "SELECT count(*) FROM gazetteer")[0][0]
    bad = tmp_path / "llpg.csv"
    bad.write_text("UPRN,ADDRESS\n1,somewhere\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match="missing columns: STREET_DESCRIPTION"):
        load_gazetteer(con, bad)
    assert run(con, "SELECT count(*) FROM gazetteer")[0][0] == before


def test_golden_record_keeps_where_every_value_came_from(base, db_copy, tmp_path):
    con = duckdb.connect(str(db_copy))
    rows = run(con, "SELECT person_id, field, value, source, record_id, rule FROM golden_fields")
    people = _latest(con)
    assert {row[0] for row in rows} == set(people.values())
    for person_id, _field, _value, source, record_id, _rule in rows:
        assert people[record_id] == person_id and record_id.startswith(f"{source}:")
    fields = Counter(row[1] for row in rows)
    assert fields["first_name"] == len(set(people.values()))
    assert {"dob", "address", "postcode", "uprn", "email", "phone"} <= set(fields)
    assert all(len(value) == 10 for _, field, value, *_ in rows if field == "dob")

    # Other rules: parking's date of birth first, surname by most frequent.
    rules_file = tmp_path / "rules.yaml"
    rules_file.write_text(
        yaml.safe_dump(
            {
                "default": {"rule": "most recent"},
                "fields": {
                    "dob": {"rule": "source priority", "sources": ["parking"]},
                    "last_name": {"rule": "most frequent"},
                },
            }
        ),
        encoding="utf-8",
    )
    assert main(["golden", "--db", str(db_copy), "--rules", str(rules_file)]) == 0
    with_parking_dob = {
        row[0]
        for row in run(
            con,
            "SELECT p.person_id FROM person_ids p JOIN records_clean c USING (unique_id) "
            "WHERE p.run_id = 1 AND c.source = 'parking' AND c.dob IS NOT NULL",
        )
    }
    dobs = {
        row[0]: row[1:]
        for row in run(con, "SELECT person_id, source, rule FROM golden_fields WHERE field = 'dob'")
    }
    assert with_parking_dob
    assert all(dobs[p] == ("parking", "source priority") for p in with_parking_dob)
    rules = Counter(
        r[0] for r in run(con, "SELECT rule FROM golden_fields WHERE field = 'last_name'")
    )
    assert rules["most frequent"] > 0


def test_bad_golden_rules_are_refused_with_every_problem(tmp_path):
    rules_file = tmp_path / "rules.yaml"
    rules_file.write_text(
        "fields:\n  dob: {rule: oldest}\n  shoe_size: {rule: most recent}\n"
        "  ni_number: {rule: source priority}\n",
        encoding="utf-8",
    )
    with pytest.raises(GoldenRulesError) as error:
        load_rules(rules_file)
    message = str(error.value)
    assert "fields.dob: rule must be one of" in message
    assert "unknown field 'shoe_size'" in message
    assert "fields.ni_number: source priority needs a list of sources" in message
    assert load_rules()["dob"].rule == "source priority"  # the built-in rules load


def test_quality_report_finds_duplicates_and_conflicts(base, db_copy, tmp_path):
    assert main(["quality", "--db", str(db_copy), "--out", str(tmp_path / "dq")]) == 0
    with (tmp_path / "dq" / "dq_duplicates.csv").open(encoding="utf-8") as handle:
        duplicates = list(csv.DictReader(handle))
    truth = base["truth"]
    assert duplicates
    # Each reported duplicate is one true person twice in one system.
    right = sum(
        len({truth[r]["person_id"] for r in row["record_ids"].split(",")}) == 1
        and len({truth[r]["source"] for r in row["record_ids"].split(",")}) == 1
        for row in duplicates
    )
    assert right >= 0.95 * len(duplicates)
    # and most true duplicates inside a system are found.
    true_dups = Counter((row["source"], row["person_id"]) for row in truth.values())
    found = {(row["source"], row["person_id"]) for row in duplicates}
    assert len(found) >= 0.8 * sum(1 for count in true_dups.values() if count > 1) - 10
    with (tmp_path / "dq" / "dq_conflicts.csv").open(encoding="utf-8") as handle:
        conflicts = list(csv.DictReader(handle))
    assert {"dob", "last_name"} <= {row["field"] for row in conflicts}
    for row in conflicts[:50]:
        values, sources = json.loads(row["values"]), json.loads(row["sources"])
        assert len(values) == len(sources) >= 2 and len({s for ss in sources for s in ss}) >= 2


def _decisions_file(path, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["unique_id_l", "unique_id_r", "decision", "decided_by", "decided_at"])
        writer.writerows(rows)
    return path


def test_review_band_and_decisions_are_obeyed_in_later_runs(base, db_copy, tmp_path):
    con = duckdb.connect(str(db_copy))
    pairs = run(
        con,
        "SELECT unique_id_l, unique_id_r, match_probability, person_id_l, person_id_r, evidence "
        "FROM review_pairs ORDER BY match_probability",
    )
    assert pairs
    for left, right, probability, *_, evidence in pairs:
        assert left < right and 0.5 <= probability < 0.99
        fields = json.loads(evidence)
        assert [f["field"] for f in fields][:3] == ["first_name", "last_name", "dob"]
        assert all({"field", "left", "right", "level", "weight"} == set(f) for f in fields)
    assert any(f["level"] == "exact" for f in json.loads(pairs[0][5]))
    # A pair the model kept apart, confirmed; a pair inside one person, rejected.
    apart = next(p for p in pairs if p[3] != p[4])
    together = run(
        con,
        "SELECT unique_id_l, unique_id_r FROM predictions p WHERE match_probability >= 0.99 "
        "AND (SELECT count(*) FROM person_ids WHERE run_id = 1 AND person_id = "
        "(SELECT person_id FROM person_ids WHERE run_id = 1 AND unique_id = p.unique_id_l)) = 2 "
        "ORDER BY 1 LIMIT 1",
    )[0]
    con.close()
    decisions = _decisions_file(
        tmp_path / "decisions.csv",
        [
            (apart[1], apart[0], "match", "j.smith", "2026-11-25T10:00:00"),
            (together[0], together[1], "non_match", "j.smith", "2026-11-25T10:05:00"),
        ],
    )
    model = str(next((base["out"] / "models").glob("*.json")))
    link = ["link", "--db", str(db_copy), "--model", model]
    assert main([*link, "--decisions", str(decisions)]) == 0
    for later in (True, False):  # this run, and a later one without the file
        con = duckdb.connect(str(db_copy))
        people = _latest(con)
        assert people[apart[0]] == people[apart[1]]
        assert people[together[0]] != people[together[1]]
        listed = set(run(con, "SELECT unique_id_l, unique_id_r FROM review_pairs"))
        assert (apart[0], apart[1]) not in listed
        stored = run(con, "SELECT count(*) FROM match_decisions")[0][0]
        assert stored == 2
        con.close()
        if later:
            assert main(link) == 0


def test_a_bad_decisions_file_is_refused_whole(base, db_copy, tmp_path):
    con = duckdb.connect(str(db_copy))
    record = next(iter(_latest(con)))
    bad = _decisions_file(
        tmp_path / "bad.csv",
        [
            (record, "nobody:1", "match", "a", "2026-11-25T10:00:00"),
            (record, record, "match", "a", "2026-11-25T10:00:00"),
            ("council_tax:x", record, "maybe", "a", "yesterday"),
        ],
    )
    with pytest.raises(DecisionsError) as error:
        load_decisions(con, bad)
    message = str(error.value)
    assert "line 2: no record nobody:1" in message
    assert "line 3: a record cannot be paired with itself" in message
    assert "line 4: decision must be match or non_match" in message
    assert run(con, "SELECT count(*) FROM match_decisions")[0][0] == 0
    con.close()
    assert main(["link", "--db", str(db_copy), "--decisions", str(bad)]) == 1


HOUSEHOLD_QUERIES = (
    "SELECT * FROM households ORDER BY ALL",
    "SELECT * FROM household_members ORDER BY ALL",
    "SELECT * FROM address_matches ORDER BY ALL",
    # A pair's field weights fold in how common its names are among all records, which an
    # incremental run changes for everyone; the pairs of people it did not touch keep the
    # weights (like the scores) of the run that scored them.
    "SELECT * EXCLUDE (evidence), regexp_replace(evidence, ',\"weight\":[-0-9.e]+', '', 'g') "
    "FROM review_pairs ORDER BY ALL",
)


def test_incremental_link_keeps_everyone_elses_ids(base, db_copy, capsys):
    con = duckdb.connect(str(db_copy))
    before = _latest(con)
    predictions_before = run(con, "SELECT count(*) FROM predictions")[0][0]
    con.close()
    assert main(["add", str(base["later"]), "--db", str(db_copy)]) == 0
    assert f"added {len(base['new'])} new and {len(base['changed'])} changed" in (
        capsys.readouterr().out
    )
    assert main(["link", "--incremental", "--db", str(db_copy)]) == 0
    con = duckdb.connect(str(db_copy))
    after = _latest(con)
    assert set(after) == set(before) | base["new"]
    # People the new and changed records did not touch keep their ids and their records.
    events = run(
        con, "SELECT event, person_id, other_person_id FROM person_events WHERE run_id = 2"
    )
    touched = {e[1] for e in events} | {e[2] for e in events if e[2]}
    touched |= {before[r] for r in base["changed"]}
    unchanged = [r for r, p in before.items() if p not in touched]
    assert len(unchanged) >= 0.97 * len(before)
    assert all(after[r] == before[r] for r in unchanged)
    # New records of people already linked get those people's ids.
    truth = base["truth"]
    true_to_ids = defaultdict(set)
    for record, person_id in before.items():
        true_to_ids[truth[record]["person_id"]].add(person_id)
    known = [r for r in base["new"] if len(true_to_ids.get(truth[r]["person_id"], ())) == 1]
    assert len(known) >= 10
    right = sum(after[r] in true_to_ids[truth[r]["person_id"]] for r in known)
    # Measured: 12 of 14 at 1%; a full link of all the records gets the same two wrong.
    assert right >= 0.85 * len(known), (right, len(known))
    # Only pairs touching the delta were scored: the other predictions are as they were.
    delta = base["new"] | base["changed"]
    kept = run(con, "SELECT unique_id_l, unique_id_r FROM predictions")
    assert sum(1 for pair in kept if not (set(pair) & delta)) <= predictions_before
    assert run(con, "SELECT max(run_id), count(*) FROM link_runs")[0] == (2, 2)
    # The golden record was rebuilt for the people touched only, and is whole.
    golden = {row[0] for row in run(con, "SELECT DISTINCT person_id FROM golden_fields")}
    assert golden == set(after.values())
    # So were the quality tables: the same as building them whole.
    incremental = [run(con, query) for query in DQ_QUERIES]
    build_quality(con)
    assert incremental == [run(con, query) for query in DQ_QUERIES]
    # Only the new and changed addresses were matched to the gazetteer again, and only the
    # touched people's pairs listed for review again: the households and the review band are
    # those that building them whole gives.
    households = [run(con, query) for query in HOUSEHOLD_QUERIES]
    build_households(con)
    write_review_pairs(con)
    assert households == [run(con, query) for query in HOUSEHOLD_QUERIES]
    # The run's counts are its person ids'.
    assert (
        run(con, "SELECT records, people FROM link_runs WHERE run_id = 2")[0]
        == run(con, "SELECT count(*), count(DISTINCT person_id) FROM person_ids WHERE run_id = 2")[
            0
        ]
    )
    assert (
        run(
            con,
            "SELECT count(*) FROM golden_fields WHERE record_id IN "
            "(SELECT record_id FROM records WHERE source = 'council_tax')",
        )[0][0]
        > 0
    )
    con.close()


def test_incremental_link_needs_a_full_link_first(tmp_path):
    con = duckdb.connect(str(tmp_path / "empty.duckdb"))
    with pytest.raises(IncrementalError, match="run a full link first"):
        link_incremental(con)


def test_golden_needs_no_gazetteer(base, db_copy):
    con = duckdb.connect(str(db_copy))
    run(con, "DROP TABLE address_matches")
    assert build_golden(con) == len(set(_latest(con).values()))
