"""The golden record written in SQL chooses exactly what the rules chose when each person's
records were walked in Python: the same value, source, record and rule for every field, ties
included. The Python walk is kept here as the reference, and both run on generated records
full of ties (same day seen, same value held by as many records), missing and empty values,
sources inside and outside the rules' lists, and several rules files."""

import datetime as dt
import random
from collections import Counter

import duckdb
import pytest
import yaml

from borough.linkage.db import run
from borough.linkage.golden import RULED_FIELDS, build_golden, load_rules

NEVER = dt.date(1, 1, 1)
SOURCES = ("benefits", "housing", "council_tax", "o'connor care", "parking")


def _value(field, record):
    if field in ("first_name", "last_name"):
        value = record[field]
        return value.title() if value else None
    if field == "address":
        return record["raw_address"] or record["address"]
    if field == "dob":
        return record["dob"].isoformat() if record["dob"] else None
    return record[field]


def _comparable(field, record):
    if field == "first_name":
        return record["first_name_canonical"] or record["first_name"]
    if field == "address":
        return (record["address"], record["postcode"])
    return record[field]


def _choose(field, rule, records):
    has = [r for r in records if _value(field, r) is not None]
    if field == "address":
        has = [r for r in records if r["address"] or r["postcode"]]
    if not has:
        return None

    def recency(record):
        order = rule.sources
        place = order.index(record["source"]) if record["source"] in order else len(order)
        return (-(record["last_seen"] or NEVER).toordinal(), place, record["unique_id"])

    if rule.rule == "source priority":
        trusted = [r for r in has if r["source"] in rule.sources]
        if trusted:
            return min(trusted, key=recency), "source priority"
        return min(has, key=recency), "most recent"
    if rule.rule == "most frequent":
        votes = Counter(_comparable(field, r) for r in has)
        best = max(votes.values())
        if best > 1 and list(votes.values()).count(best) == 1:
            winners = [r for r in has if votes[_comparable(field, r)] == best]
            return min(winners, key=recency), "most frequent"
        return min(has, key=recency), "most recent"
    return min(has, key=recency), "most recent"


def _reference(con, rules, people=None):
    """The golden rows as the Python walk over each person's records chose them."""
    records = (
        con.sql(
            """
        SELECT p.person_id, c.unique_id, c.source, c.first_name, c.first_name_canonical,
               c.last_name, c.dob, c.sex, c.address, r.address AS raw_address, c.postcode,
               c.uprn, m.uprn AS matched_uprn, c.phone, c.email, c.ni_number, c.last_seen
        FROM person_ids p JOIN records_clean c USING (unique_id)
        JOIN records r ON r.record_id = c.unique_id
        LEFT JOIN address_matches m USING (unique_id)
        WHERE p.run_id = (SELECT max(run_id) FROM person_ids)
        ORDER BY p.person_id, c.unique_id
        """
        )
        .to_arrow_table()
        .to_pylist()
    )
    by_person = {}
    for record in records:
        by_person.setdefault(record["person_id"], []).append(record)
    out = []
    for person_id, person_records in by_person.items():
        if people is not None and person_id not in people:
            continue
        for field in RULED_FIELDS:
            chosen = _choose(field, rules[field], person_records)
            if chosen is None:
                continue
            record, why = chosen
            source, unique_id = record["source"], record["unique_id"]
            if field != "address":
                value = str(_value(field, record))
                out.append((person_id, field, value, source, unique_id, why))
                continue
            if record["address"]:
                value = _value("address", record)
                out.append((person_id, "address", value, source, unique_id, why))
            if record["postcode"]:
                out.append((person_id, "postcode", record["postcode"], source, unique_id, why))
            if record["uprn"]:
                out.append((person_id, "uprn", record["uprn"], source, unique_id, why))
            elif record["matched_uprn"]:
                uprn = record["matched_uprn"]
                out.append((person_id, "uprn", uprn, source, unique_id, "gazetteer match"))
    return out


def _records(seed, people=400):
    """A linked database of people with 1 to 7 records each, drawn from small pools of values."""
    rng = random.Random(seed)

    def pick(*values):
        return rng.choice(values)

    con = duckdb.connect()
    run(con, "CREATE TABLE person_ids (unique_id VARCHAR, person_id VARCHAR, run_id INTEGER)")
    run(
        con,
        """CREATE TABLE records_clean (unique_id VARCHAR, source VARCHAR, first_name VARCHAR,
            first_name_canonical VARCHAR, last_name VARCHAR, dob DATE, sex VARCHAR,
            address VARCHAR, postcode VARCHAR, uprn VARCHAR, phone VARCHAR, email VARCHAR,
            ni_number VARCHAR, last_seen DATE)""",
    )
    run(con, "CREATE TABLE records (record_id VARCHAR, address VARCHAR)")
    run(con, "CREATE TABLE address_matches (unique_id VARCHAR, uprn VARCHAR)")
    ids, clean, raw, matches = [], [], [], []
    for person in range(people):
        person_id = f"P{person:05d}"
        for _ in range(rng.randint(1, 7)):
            source = pick(*SOURCES)
            unique_id = f"{source}:{rng.randint(0, 99999):05d}"
            if any(row[0] == unique_id for row in ids):
                continue
            ids.append((unique_id, person_id, 2))
            ids.append((unique_id, f"OLD{person:05d}", 1))
            first = pick("bill", "william", "o'neil", "mary-jane", "", None, "ßarah", "1st")
            canonical = {"bill": "william", "william": "william"}.get(first) or pick(None, "")
            address = pick("1 mill road", "1 mill rd", "", None)
            clean.append(
                (
                    unique_id,
                    source,
                    first,
                    canonical,
                    pick("smith", "mcdonald", "", None),
                    pick(dt.date(1980, 1, 2), dt.date(1980, 2, 1), dt.date(999, 3, 4), None),
                    pick("M", "F", None),
                    address,
                    pick("UB1 1AA", "UB1 1AB", "", None),
                    pick("100", "200", "", None, None),
                    pick("07700 900001", "07700 900002", "", None),
                    pick("a@example.org", None),
                    pick("QQ123456C", "QQ654321C", None),
                    pick(dt.date(2024, 1, 1), dt.date(2025, 6, 1), None),
                )
            )
            raw.append((unique_id, pick("1 Mill Road, Uxbridge", "", None)))
            if rng.random() < 0.4:
                matches.append((unique_id, pick("900", "901", "")))
    con.executemany("INSERT INTO person_ids VALUES (?, ?, ?)", ids)
    con.executemany(
        "INSERT INTO records_clean VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", clean
    )
    con.executemany("INSERT INTO records VALUES (?, ?)", raw)
    con.executemany("INSERT INTO address_matches VALUES (?, ?)", matches)
    return con


RULES_FILES = {
    "shipped": None,
    "all most frequent": {"default": {"rule": "most frequent"}},
    "all most recent": {"default": {"rule": "most recent"}},
    "priorities": {
        "default": {"rule": "source priority", "sources": ["o'connor care", "housing"]},
        "fields": {
            "first_name": {"rule": "source priority", "sources": ["parking", "parking"]},
            "address": {"rule": "most frequent"},
            "phone": {"rule": "most recent", "sources": ["council_tax", "benefits"]},
            "email": {"rule": "source priority", "sources": ["not a source"]},
        },
    },
}


def _rules(name, tmp_path):
    if RULES_FILES[name] is None:
        return load_rules()
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(RULES_FILES[name]), encoding="utf-8")
    return load_rules(path)


def _golden(con):
    return run(con, "SELECT * FROM golden_fields")


@pytest.mark.parametrize("name", RULES_FILES)
@pytest.mark.parametrize("seed", [1, 2])
def test_sql_golden_record_chooses_what_the_python_walk_chose(name, seed, tmp_path):
    con = _records(seed)
    rules = _rules(name, tmp_path)
    expected = _reference(con, rules)
    assert build_golden(con, rules) == 400
    assert _golden(con) == expected
    # Ties and every rule were exercised, not just the easy cases.
    why = Counter(row[5] for row in expected)
    assert why["most recent"] and why["gazetteer match"]
    assert why["source priority" if name in ("shipped", "priorities") else "most recent"]


def test_rebuilding_touched_people_replaces_their_rows_and_keeps_everyone_elses(tmp_path):
    con = _records(3)
    rules = _rules("priorities", tmp_path)
    build_golden(con, rules)
    before = _golden(con)
    touched = sorted({f"P{n:05d}" for n in range(0, 400, 7)})
    run(con, "UPDATE records_clean SET phone = '01895 000000' WHERE source = 'parking'")
    run(con, "CREATE TABLE touched AS SELECT unnest(?) AS person_id", [touched])
    assert build_golden(con, rules, only="touched") == len(touched)
    after = _golden(con)
    kept = [row for row in before if row[0] not in touched]
    assert [row for row in after if row[0] not in touched] == kept
    rebuilt = [row for row in after if row[0] in touched]
    assert sorted(rebuilt) == sorted(_reference(con, rules, people=set(touched)))
    assert any(row[2] == "01895 000000" for row in rebuilt)
