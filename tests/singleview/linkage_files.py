"""Small DuckDB files shaped like the linkage engine's output (the contract in
docs/how-to/single-view.md), for the single view's tests."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

PERSON_AMA, PERSON_KOFI, PERSON_AMY = "PER000000001", "PER000000002", "PER000000003"
EVIDENCE = [
    {"field": "first_name", "left": "ama", "right": "amy", "level": "Jaro-Winkler >= 0.9",
     "weight": 3.1},
    {"field": "last_name", "left": "owusu", "right": "owusu", "level": "exact", "weight": 6.2},
    {"field": "dob", "left": "1980-03-27", "right": "1980-03-27", "level": "exact", "weight": 9.0},
    {"field": "email", "left": None, "right": "amy@example.com", "level": "null", "weight": 0.0},
    {"field": "sex", "left": "f", "right": "f", "level": "same", "weight": 0.4},
    {"field": "ni_number", "left": "QQ123456C", "right": None, "level": "null", "weight": 0.0},
]  # fmt: skip

TABLES = {
    "records": """record_id VARCHAR, source VARCHAR, source_id VARCHAR, first_name VARCHAR,
        middle_names VARCHAR, last_name VARCHAR, full_name VARCHAR, dob DATE, sex VARCHAR,
        address VARCHAR, postcode VARCHAR, uprn VARCHAR, phone VARCHAR, email VARCHAR,
        ni_number VARCHAR, last_seen DATE""",
    "link_runs": """run_id INTEGER, ran_at TIMESTAMP, model VARCHAR, threshold DOUBLE,
        records INTEGER, people INTEGER""",
    "person_ids": "run_id INTEGER, unique_id VARCHAR, person_id VARCHAR",
    "person_events": """run_id INTEGER, event VARCHAR, person_id VARCHAR,
        other_person_id VARCHAR, records INTEGER""",
    "golden_fields": """person_id VARCHAR, field VARCHAR, value VARCHAR, source VARCHAR,
        record_id VARCHAR, rule VARCHAR""",
    "households": """household_id VARCHAR, uprn VARCHAR, address VARCHAR, postcode VARCHAR,
        matched_by VARCHAR""",
    "household_members": "household_id VARCHAR, person_id VARCHAR",
    "review_pairs": """unique_id_l VARCHAR, unique_id_r VARCHAR, match_probability DOUBLE,
        match_weight DOUBLE, person_id_l VARCHAR, person_id_r VARCHAR, evidence VARCHAR""",
    "dq_duplicates": "source VARCHAR, person_id VARCHAR, records INTEGER, record_ids VARCHAR",
    "dq_conflicts": 'person_id VARCHAR, field VARCHAR, "values" VARCHAR, sources VARCHAR',
    "predictions": "match_weight DOUBLE, match_probability DOUBLE",
}


def _record(
    record_id, first, last, dob, *, postcode="UB8 1QA", uprn="100021500001", email=None, sex=None
):
    source, source_id = record_id.split(":", 1)
    return (
        record_id, source, source_id, first, None, last, f"{first} {last}", dob, sex,
        "1 High Street, Uxbridge", postcode, uprn, None, email, None, "2026-10-01",
    )  # fmt: skip


def make_linkage_file(
    path: Path,
    *,
    resident_id: int | None = None,
    leave_out: tuple[str, ...] = (),
    run_id: int = 1,
    ama_first_name: str = "Ama",
) -> Path:
    """Write a linkage run: Ama Owusu in three systems (twice in council tax, and in Borough's
    residents as ``resident_id``), Kofi Owusu at the same address, and Amy Owusu in parking,
    who may be Ama (a pair to review)."""
    records = [
        _record("council_tax:CT1", ama_first_name, "Owusu", "1980-03-27", email="ama@example.com"),
        _record("council_tax:CT2", "Ama", "Owusu", "1980-03-27"),
        _record("housing:H1", "Ama", "Owusu", "1980-03-27", email="ama.o@example.com", sex="f"),
        _record("waste:W1", "Kofi", "Owusu", "1978-11-02"),
        _record("parking:P1", "Amy", "Owusu", "1980-03-27", postcode="UB8 2AB", uprn=None),
    ]
    people = {
        "council_tax:CT1": PERSON_AMA,
        "council_tax:CT2": PERSON_AMA,
        "housing:H1": PERSON_AMA,
        "waste:W1": PERSON_KOFI,
        "parking:P1": PERSON_AMY,
    }
    if resident_id is not None:
        records.append(_record(f"borough_residents:{resident_id}", "Ama", "Owusu", "1980-03-27"))
        people[f"borough_residents:{resident_id}"] = PERSON_AMA
    golden = [
        (
            PERSON_AMA,
            "first_name",
            ama_first_name,
            "council_tax",
            "council_tax:CT1",
            "source priority",
        ),
        (PERSON_AMA, "last_name", "Owusu", "council_tax", "council_tax:CT1", "source priority"),
        (PERSON_AMA, "dob", "1980-03-27", "housing", "housing:H1", "most frequent"),
        (PERSON_AMA, "email", "ama.o@example.com", "housing", "housing:H1", "most recent"),
        (PERSON_AMA, "sex", "f", "housing", "housing:H1", "source priority"),
        (PERSON_AMA, "postcode", "UB8 1QA", "council_tax", "council_tax:CT1", "source priority"),
        (PERSON_KOFI, "first_name", "Kofi", "waste", "waste:W1", "source priority"),
        (PERSON_KOFI, "last_name", "Owusu", "waste", "waste:W1", "source priority"),
        (PERSON_AMY, "first_name", "Amy", "parking", "parking:P1", "source priority"),
        (PERSON_AMY, "last_name", "Owusu", "parking", "parking:P1", "source priority"),
    ]
    rows = {
        "records": records,
        "link_runs": [(run_id, "2026-11-20 09:00:00", None, 0.99, len(records), 3)],
        "person_ids": [(run_id, unique_id, person) for unique_id, person in people.items()],
        "person_events": [
            (run_id, "created", PERSON_AMA, None, 4),
            (run_id, "created", PERSON_KOFI, None, 1),
            (run_id, "created", PERSON_AMY, None, 1),
            (run_id, "merged", "PER000000009", PERSON_AMA, 1),
        ],
        "golden_fields": golden,
        "households": [
            ("HH-100021500001", "100021500001", "1 High Street, Uxbridge", "UB8 1QA", "uprn")
        ],
        "household_members": [("HH-100021500001", PERSON_AMA), ("HH-100021500001", PERSON_KOFI)],
        "review_pairs": [
            ("housing:H1", "parking:P1", 0.83, 2.3, PERSON_AMA, PERSON_AMY, json.dumps(EVIDENCE)),
            (
                "parking:P1",
                "waste:W1",
                0.52,
                0.1,
                PERSON_AMY,
                PERSON_KOFI,
                json.dumps(EVIDENCE[1:2]),
            ),
        ],
        "dq_duplicates": [("council_tax", PERSON_AMA, 2, "council_tax:CT1,council_tax:CT2")],
        "dq_conflicts": [
            (
                PERSON_AMA,
                "email",
                json.dumps(["ama@example.com", "ama.o@example.com"]),
                json.dumps(["council_tax", "housing"]),
            ),
            (
                PERSON_AMA,
                "ni_number",
                json.dumps(["QQ123456C", "QQ123456D"]),
                json.dumps(["housing", "benefits"]),
            ),
        ],
    }
    rows["predictions"] = [(weight, 1 / (1 + 2**-weight)) for weight in (0.1, 2.3, 14.2, 15.5)]
    with duckdb.connect(str(path)) as con:
        for table, columns in TABLES.items():
            if table in leave_out:
                continue
            con.execute(f"CREATE TABLE {table} ({columns})")
            if rows[table]:
                marks = ", ".join("?" * len(rows[table][0]))
                con.executemany(f"INSERT INTO {table} VALUES ({marks})", rows[table])  # noqa: S608
    return path
