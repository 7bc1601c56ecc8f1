"""The golden record: one value per field for each person, chosen by rules in YAML.

The rules (``data/golden.yaml`` unless another file is given) say per field which of a person's
records wins: ``source priority``, ``most recent`` or ``most frequent``. Every chosen value is
written with the source and record it came from and the rule that chose it, to
``golden_fields (person_id, field, value, source, record_id, rule)``, so the single view can show
where each value came from.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import yaml

from .db import run, scalar
from .schema import CLEAN_TABLE, RECORDS_TABLE

GOLDEN_TABLE = "golden_fields"
DEFAULT_RULES = Path(__file__).parent / "data" / "golden.yaml"
FIELDS = (
    "first_name",
    "last_name",
    "dob",
    "sex",
    "address",
    "postcode",
    "uprn",
    "phone",
    "email",
    "ni_number",
)
#: Fields chosen by a rule of their own; postcode and uprn go with the address.
RULED_FIELDS = ("first_name", "last_name", "dob", "sex", "address", "phone", "email", "ni_number")
RULES = ("source priority", "most recent", "most frequent")
NEVER = dt.date(1, 1, 1)


class GoldenRulesError(Exception):
    pass


@dataclass(frozen=True)
class FieldRule:
    rule: str
    sources: tuple[str, ...] = ()


def load_rules(path: str | Path | None = None) -> dict[str, FieldRule]:
    """Read and check a rules file; every problem is reported at once."""
    path = Path(path) if path else DEFAULT_RULES
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as error:
        raise GoldenRulesError(f"{path}: {error.strerror}") from error
    except yaml.YAMLError as error:
        raise GoldenRulesError(f"{path}: not valid YAML ({error})") from error
    problems = []
    if not isinstance(data, dict):
        raise GoldenRulesError(f"{path}: expected a mapping with default and fields")

    def parse(where: str, entry) -> FieldRule | None:
        if not isinstance(entry, dict) or entry.get("rule") not in RULES:
            problems.append(f"{where}: rule must be one of {', '.join(RULES)}")
            return None
        sources = entry.get("sources") or []
        if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
            problems.append(f"{where}: sources must be a list of source names")
            return None
        if entry["rule"] == "source priority" and not sources:
            problems.append(f"{where}: source priority needs a list of sources")
        return FieldRule(entry["rule"], tuple(sources))

    default = parse("default", data.get("default", {"rule": "most recent"}))
    fields = data.get("fields") or {}
    if not isinstance(fields, dict):
        problems.append("fields: expected a mapping of field to rule")
        fields = {}
    for name in fields:
        if name not in RULED_FIELDS:
            problems.append(f"fields: unknown field {name!r} (known: {', '.join(RULED_FIELDS)})")
    rules = {}
    for name in RULED_FIELDS:
        rules[name] = parse(f"fields.{name}", fields[name]) if name in fields else default
    if problems:
        raise GoldenRulesError(f"{path}: " + "; ".join(problems))
    return rules


def _value(field: str, record: dict):
    if field in ("first_name", "last_name"):
        value = record[field]
        return value.title() if value else None
    if field == "address":
        return record["raw_address"] or record["address"]
    if field == "dob":
        return record["dob"].isoformat() if record["dob"] else None
    return record[field]


def _comparable(field: str, record: dict):
    """What counts as the same value when counting votes."""
    if field == "first_name":
        return record["first_name_canonical"] or record["first_name"]
    if field == "address":
        return (record["address"], record["postcode"])
    return record[field]


def choose(field: str, rule: FieldRule, records: list[dict]) -> tuple[dict, str] | None:
    """The record whose value wins, and the rule that made it win."""
    has = [r for r in records if _value(field, r) is not None]
    if field == "address":
        has = [r for r in records if r["address"] or r["postcode"]]
    if not has:
        return None

    def recency(record: dict):
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


def build_golden(
    con: duckdb.DuckDBPyConnection,
    rules: dict[str, FieldRule] | None = None,
    *,
    only: str | None = None,
) -> int:
    """Write ``golden_fields`` for the latest run's people. Returns how many people.

    ``only`` names a table of person_ids (an incremental run's touched people, old ids and new):
    just their rows are replaced, everyone else's are kept."""
    rules = rules or load_rules()
    latest = scalar(con, "SELECT max(run_id) FROM person_ids")
    matches = (
        "LEFT JOIN address_matches m USING (unique_id)"
        if scalar(
            con,
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'address_matches'",
        )
        else "LEFT JOIN (SELECT NULL::VARCHAR AS unique_id, NULL::VARCHAR AS uprn) m "
        "USING (unique_id)"
    )
    scope = f"AND p.person_id IN (SELECT person_id FROM {only})" if only else ""
    table = con.sql(
        f"""
        SELECT p.person_id, c.unique_id, c.source, c.first_name, c.first_name_canonical,
               c.last_name, c.dob, c.sex, c.address, r.address AS raw_address, c.postcode,
               c.uprn, m.uprn AS matched_uprn, c.phone, c.email, c.ni_number, c.last_seen
        FROM person_ids p JOIN {CLEAN_TABLE} c USING (unique_id)
        JOIN {RECORDS_TABLE} r ON r.record_id = c.unique_id
        {matches}
        WHERE p.run_id = {latest or 0} {scope}
        ORDER BY p.person_id, c.unique_id
        """
    ).to_arrow_table()
    out: list[tuple] = []
    people = 0

    def person_rows(person_id: str, records: list[dict]) -> None:
        for field in RULED_FIELDS:
            chosen = choose(field, rules[field], records)
            if chosen is None:
                continue
            record, why = chosen
            source, unique_id = record["source"], record["unique_id"]
            if field != "address":
                out.append((person_id, field, str(_value(field, record)), source, unique_id, why))
                continue
            if record["address"]:
                out.append(
                    (person_id, "address", _value("address", record), source, unique_id, why)
                )
            if record["postcode"]:
                out.append((person_id, "postcode", record["postcode"], source, unique_id, why))
            if record["uprn"]:
                out.append((person_id, "uprn", record["uprn"], source, unique_id, why))
            elif record["matched_uprn"]:
                out.append(
                    (
                        person_id,
                        "uprn",
                        record["matched_uprn"],
                        source,
                        unique_id,
                        "gazetteer match",
                    )
                )

    current, records = None, []
    for record in table.to_pylist():
        if record["person_id"] != current:
            if records:
                person_rows(current, records)
                people += 1
            current, records = record["person_id"], []
        records.append(record)
    if records:
        person_rows(current, records)
        people += 1
    text = pa.string()
    columns = ["person_id", "field", "value", "source", "record_id", "rule"]
    arrow = pa.table(
        {name: pa.array([row[i] for row in out], text) for i, name in enumerate(columns)}
    )
    con.register("incoming_golden", arrow)
    try:
        if only and scalar(
            con,
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
            [GOLDEN_TABLE],
        ):
            run(
                con, f"DELETE FROM {GOLDEN_TABLE} WHERE person_id IN (SELECT person_id FROM {only})"
            )
            run(con, f"INSERT INTO {GOLDEN_TABLE} SELECT * FROM incoming_golden")
        else:
            run(con, f"CREATE OR REPLACE TABLE {GOLDEN_TABLE} AS SELECT * FROM incoming_golden")
    finally:
        con.unregister("incoming_golden")
    return people
