import csv
from collections import Counter

import duckdb

from borough.linkage import generate as g
from borough.linkage.ingest import ingest
from borough.linkage.population import make_population


def test_extracts_load_through_their_mappings_and_match_the_truth(tmp_path):
    summary = g.generate(people=600, sources=8, seed=7, out=tmp_path)

    con = duckdb.connect()
    loaded = ingest(summary.mappings, con)
    assert loaded.records_by_source == summary.records_by_source
    with summary.truth.open(encoding="utf-8") as handle:
        truth = {
            (row["source"], row["source_id"]): row["person_id"] for row in csv.DictReader(handle)
        }
    assert len(truth) == loaded.total
    ids = con.execute("SELECT source, source_id FROM records").fetchall()
    assert set(ids) == set(truth)
    # Every source has its own file format and id shape.
    assert {path.suffix for path in tmp_path.iterdir()} >= {".csv", ".parquet", ".yaml"}
    sample = dict(
        con.execute("SELECT source, any_value(source_id) FROM records GROUP BY 1").fetchall()
    )
    assert sample["council_tax"].startswith("CT") and sample["housing"].startswith("HSG-")


def test_the_same_seed_gives_the_same_extracts(tmp_path):
    g.generate(people=200, sources=3, seed=3, out=tmp_path / "a")
    g.generate(people=200, sources=3, seed=3, out=tmp_path / "b")
    g.generate(people=200, sources=3, seed=4, out=tmp_path / "c")
    a = (tmp_path / "a" / "council_tax.csv").read_text()
    assert a == (tmp_path / "b" / "council_tax.csv").read_text()
    assert a != (tmp_path / "c" / "council_tax.csv").read_text()


def test_the_population_has_the_hard_cases():
    population = make_population(3000, seed=11)
    people = population.people
    assert len(people) == 3000
    by_home = Counter((p.last_name, p.dob, p.address) for p in people)
    twins = [key for key, count in by_home.items() if count >= 2]
    assert twins, "twins: same surname, date of birth and address, different people"
    assert any(p.maiden_name for p in people)
    assert sum(p.previous_address is not None for p in people) > 0.1 * len(people)
    emails = Counter(p.email for p in people if p.email)
    assert any(count > 1 for count in emails.values()), "a family shares one email"
    phones = Counter(p.phone for p in people if p.phone)
    assert any(count > 1 for count in phones.values()), "a family shares one phone"


def test_source_records_carry_realistic_errors(tmp_path):
    summary = g.generate(people=3000, sources=4, seed=5, out=tmp_path)
    with summary.truth.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    per_source_person = Counter((row["source"], row["person_id"]) for row in rows)
    assert any(count > 1 for count in per_source_person.values()), "duplicates inside a source"
    con = duckdb.connect()
    ingest(summary.mappings, con)
    people = {p.person_id: p for p in make_population(3000, seed=5).people}
    truth = {(row["source"], row["source_id"]): row["person_id"] for row in rows}
    nicknames = transposed = swapped = 0
    for source, source_id, first, dob in con.execute(
        "SELECT source, source_id, first_name, dob FROM records"
    ).fetchall():
        person = people[truth[(source, source_id)]]
        first = (first or "").lower()
        if first and first != person.first_name.lower() and len(first) < len(person.first_name) - 1:
            nicknames += 1
        if dob and dob != person.dob and (dob.day, dob.month) == (person.dob.month, person.dob.day):
            transposed += 1
        if first == person.last_name.lower():
            swapped += 1
    assert nicknames > 20 and transposed > 5 and swapped > 3


def test_a_typo_in_a_leap_day_birthday_is_still_a_date():
    import datetime as dt
    import random

    errors = g._Errors(random.Random(1))
    for _ in range(200):
        assert isinstance(errors.dob(dt.date(1988, 2, 29)), dt.date)
        assert isinstance(errors.dob(dt.date(1988, 1, 31)), dt.date)
