"""The golden record: one value per field for each person, chosen by rules in YAML.

The rules (``data/golden.yaml`` unless another file is given) say per field which of a person's
records wins: ``source priority``, ``most recent`` or ``most frequent``. Every chosen value is
written with the source and record it came from and the rule that chose it, to
``golden_fields (person_id, field, value, source, record_id, rule)``, so the single view can show
where each value came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import yaml

from .db import run, scalar, sql_string
from .schema import CLEAN_TABLE, GOLDEN_FIELDS, RECORDS_TABLE

GOLDEN_TABLE = "golden_fields"
DEFAULT_RULES = Path(__file__).parent / "data" / "golden.yaml"
#: Fields chosen by a rule of their own; postcode and uprn go with the address.
RULED_FIELDS = tuple(name for name in GOLDEN_FIELDS if name not in ("postcode", "uprn"))
RULES = ("source priority", "most recent", "most frequent")


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
    rules: dict[str, FieldRule | None] = {}
    for name in RULED_FIELDS:
        rules[name] = parse(f"fields.{name}", fields[name]) if name in fields else default
    if problems:
        raise GoldenRulesError(f"{path}: " + "; ".join(problems))
    # parse gives None only with a problem, so none is left here
    return {name: rule for name, rule in rules.items() if rule is not None}


def _winners_sql(field: str, rule: FieldRule) -> str:
    """The record whose value wins ``field`` for each person in ``golden_input``, and why.

    A record has a value when the field is not missing (a name or an address: not empty
    either). Records are ranked most recent first (``last_seen``, a missing one oldest), then by
    the rule's source order (other sources after), then by the smallest record id; the first
    wins, after the rule's own preference:

    * ``source priority``: a record from one of the rule's sources, if any has a value;
    * ``most frequent``: a record holding the value the most records agree on, when more than
      one record holds it and no other value has as many votes (the first name compared by its
      canonical form, the address with its postcode); otherwise the most recent."""
    has = {
        "first_name": "first_name <> ''",
        "last_name": "last_name <> ''",
        "address": "(address <> '' OR postcode <> '')",
    }.get(field, f"{field} IS NOT NULL")
    sources = "[" + ", ".join(sql_string(source) for source in rule.sources) + "]::VARCHAR[]"
    place = f"coalesce(list_position({sources}, source), {len(rule.sources) + 1})"
    recency = f"coalesce(last_seen, DATE '0001-01-01') DESC, {place}, unique_id"
    # Only the columns the field needs go through the window's sort.
    columns = ", ".join(
        [
            "person_id",
            "unique_id",
            "source",
            "last_seen",
            *{
                "first_name": ["first_name", "first_name_canonical", "first_title"],
                "last_name": ["last_name", "last_title"],
                "address": ["address", "raw_address", "postcode", "uprn", "matched_uprn"],
            }.get(field, [field]),
        ]
    )
    ranked = f"SELECT {columns} FROM golden_input WHERE {has}"
    if rule.rule == "source priority":
        trusted = f"list_contains({sources}, source)"
        order = f"{trusted} DESC, {recency}"
        why = f"CASE WHEN {trusted} THEN 'source priority' ELSE 'most recent' END"
    elif rule.rule == "most frequent":
        comparable = {
            "first_name": "coalesce(nullif(first_name_canonical, ''), first_name)",
            "address": "struct_pack(a := address, p := postcode)",
        }.get(field, field)
        ranked = f"""
            WITH has AS (
                SELECT {columns},
                       count(*) OVER (PARTITION BY person_id, {comparable}) AS votes
                FROM golden_input WHERE {has}
            ),
            tallied AS (SELECT *, max(votes) OVER (PARTITION BY person_id) AS best FROM has)
            SELECT *, count(*) FILTER (WHERE votes = best) OVER (PARTITION BY person_id)
                   AS at_best
            FROM tallied
        """
        # Exactly ``best`` records hold ``best`` votes only when one value has them all.
        clear = "(best > 1 AND at_best = best)"
        order = f"CASE WHEN {clear} AND votes = best THEN 0 ELSE 1 END, {recency}"
        why = f"CASE WHEN {clear} THEN 'most frequent' ELSE 'most recent' END"
    else:
        order = recency
        why = "'most recent'"
    return f"""
        SELECT *, {why} AS why FROM ({ranked})
        QUALIFY row_number() OVER (PARTITION BY person_id ORDER BY {order}) = 1
    """


def _golden_rows_sql(rules: dict[str, FieldRule]) -> str:
    """Every person's chosen values, in person then field order.

    The address is chosen as a whole: its postcode and UPRN come from the same record (the UPRN
    of the record's gazetteer match, rule ``gazetteer match``, when the record had none)."""
    parts = []
    for position, field in enumerate(RULED_FIELDS):
        winners = _winners_sql(field, rules[field])
        if field == "address":
            parts.append(
                f"""
                SELECT person_id, {position} AS position, unnest([
                    CASE WHEN address <> '' THEN struct_pack(
                        sub := 0, field := 'address',
                        value := coalesce(nullif(raw_address, ''), address), rule := why) END,
                    CASE WHEN postcode <> '' THEN struct_pack(
                        sub := 1, field := 'postcode', value := postcode, rule := why) END,
                    CASE WHEN uprn <> '' THEN struct_pack(
                        sub := 2, field := 'uprn', value := uprn, rule := why)
                         WHEN matched_uprn <> '' THEN struct_pack(
                        sub := 2, field := 'uprn', value := matched_uprn,
                        rule := 'gazetteer match') END
                ], recursive := true), source, unique_id
                FROM ({winners})
                """
            )
            continue
        value = {
            "first_name": "first_title",
            "last_name": "last_title",
            "dob": "CAST(dob AS VARCHAR)",
        }.get(field, field)
        parts.append(
            f"SELECT person_id, {position} AS position, 0 AS sub, '{field}' AS field, "
            f"{value} AS value, why AS rule, source, unique_id FROM ({winners})"
        )
    union = " UNION ALL ".join(
        f"SELECT person_id, position, sub, field, value, source, unique_id, rule FROM ({part})"
        for part in parts
    )
    return f"""
        SELECT person_id, field, value, source, unique_id AS record_id, rule
        FROM ({union}) WHERE field IS NOT NULL
        ORDER BY person_id, position, sub
    """


def build_golden(
    con: duckdb.DuckDBPyConnection,
    rules: dict[str, FieldRule] | None = None,
    *,
    only: str | None = None,
) -> int:
    """Write ``golden_fields`` for the latest run's people. Returns how many people.

    ``only`` names a table of person_ids (an incremental run's touched people, old ids and new):
    just their rows are replaced, everyone else's are kept.

    All in SQL (a window per field ranks each person's records), so it runs on every core; only
    the title case of names (Python's, for the distinct names) is done in Python."""
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
    run(
        con,
        f"""
        CREATE OR REPLACE TEMP TABLE golden_records AS
        SELECT p.person_id, c.unique_id, c.source, c.first_name, c.first_name_canonical,
               c.last_name, c.dob, c.sex, c.address, r.address AS raw_address, c.postcode,
               c.uprn, m.uprn AS matched_uprn, c.phone, c.email, c.ni_number, c.last_seen
        FROM person_ids p JOIN {CLEAN_TABLE} c USING (unique_id)
        JOIN {RECORDS_TABLE} r ON r.record_id = c.unique_id
        {matches}
        WHERE p.run_id = {latest or 0} {scope}
        """,
    )
    try:
        names = [
            row[0]
            for row in run(
                con,
                "SELECT first_name FROM golden_records WHERE first_name <> '' UNION "
                "SELECT last_name FROM golden_records WHERE last_name <> ''",
            )
        ]
        text = pa.string()
        titles = pa.table(
            {"name": pa.array(names, text), "title": pa.array([n.title() for n in names], text)}
        )
        con.register("golden_titles", titles)
        run(
            con,
            """
            CREATE OR REPLACE TEMP TABLE golden_input AS
            SELECT g.*, f.title AS first_title, l.title AS last_title
            FROM golden_records g
            LEFT JOIN golden_titles f ON f.name = g.first_name
            LEFT JOIN golden_titles l ON l.name = g.last_name
            """,
        )
        con.unregister("golden_titles")
        run(con, "DROP TABLE golden_records")
        people = scalar(con, "SELECT count(DISTINCT person_id) FROM golden_input")
        rows = _golden_rows_sql(rules)
        if only and scalar(
            con,
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
            [GOLDEN_TABLE],
        ):
            run(
                con, f"DELETE FROM {GOLDEN_TABLE} WHERE person_id IN (SELECT person_id FROM {only})"
            )
            run(con, f"INSERT INTO {GOLDEN_TABLE} {rows}")
        else:
            run(con, f"CREATE OR REPLACE TABLE {GOLDEN_TABLE} AS {rows}")
    finally:
        run(con, "DROP TABLE IF EXISTS golden_records")
        run(con, "DROP TABLE IF EXISTS golden_input")
    return people
