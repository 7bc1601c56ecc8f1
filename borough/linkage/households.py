"""Households: the people who live at one address, found by UPRN.

A person's address is the one on their most recent record (by ``last_seen``; a record with a
UPRN wins a tie). Records that came without a UPRN are matched to the council's gazetteer
(an LLPG extract, CSV or Parquet, in the columns ``borough.places.importer`` reads) by a
deterministic scorer (ADR 0018):

1. candidates are the gazetteer addresses at the record's postcode whose numbers (flat and house
   number, in any order) are exactly the record's numbers;
2. if none match, the addresses in the record's postcode district with the same numbers and the
   same street word (the word after the house number): the postcode was wrong or missing;
3. each candidate scores the words (street, locality, town, building, "flat") it shares with the
   record (Dice: twice the shared words over the words of both); the best wins if it scores at
   least 0.5 (0.6 without the postcode) and no other UPRN scores as much.

People whose address matched no UPRN are grouped by their standardised address and postcode.
Tables: ``gazetteer``, ``address_matches (unique_id, uprn, score, method)``, ``households`` and
``household_members``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from borough.core.postcodes import normalise_postcode

from .addresses import address_tokens, house_number, postcode_parts
from .db import run, scalar
from .schema import CLEAN_TABLE, RECORDS_TABLE

GAZETTEER_TABLE = "gazetteer"
MATCHES_TABLE = "address_matches"
HOUSEHOLDS_TABLE = "households"
MEMBERS_TABLE = "household_members"
REQUIRED_GAZETTEER_COLUMNS = ("UPRN", "STREET_DESCRIPTION", "POSTCODE_LOCATOR")
OPTIONAL_GAZETTEER_COLUMNS = (
    "SAO_TEXT",
    "SAO_START_NUMBER",
    "PAO_TEXT",
    "PAO_START_NUMBER",
    "PAO_START_SUFFIX",
    "LOCALITY",
    "TOWN_NAME",
)
MIN_SCORE = 0.5
MIN_SCORE_WITHOUT_POSTCODE = 0.6


class GazetteerError(Exception):
    pass


def _numbers(tokens: list[str]) -> list[str]:
    """The house number first, then any other numbers (a flat's) in order."""
    number = house_number(tokens)
    others = sorted(token for token in tokens if token[0].isdigit() and token != number)
    return [number, *others] if number else others


def _words(tokens: list[str]) -> list[str]:
    return sorted({token for token in tokens if not token[0].isdigit()})


def _street_word(tokens: list[str]) -> str | None:
    number = house_number(tokens)
    if number is None:
        return None
    index = tokens.index(number)
    return tokens[index + 1] if index + 1 < len(tokens) else None


def gazetteer_line(row: dict) -> str:
    """``FLAT 3, 12A MILL ROAD, UXBRIDGE`` from an LLPG row."""
    sao = (row.get("SAO_TEXT") or "").strip() or (row.get("SAO_START_NUMBER") or "").strip()
    number = (row.get("PAO_START_NUMBER") or "").strip() + (row.get("PAO_START_SUFFIX") or "")
    street = " ".join(
        part for part in (number.strip(), row.get("STREET_DESCRIPTION") or "") if part
    )
    parts = [sao, (row.get("PAO_TEXT") or "").strip(), street.strip()]
    parts += [(row.get("LOCALITY") or "").strip(), (row.get("TOWN_NAME") or "").strip()]
    return ", ".join(part for part in parts if part)


def load_gazetteer(con: duckdb.DuckDBPyConnection, path: str | Path) -> int:
    """Replace the gazetteer table with an LLPG extract (CSV or Parquet). Returns its size."""
    path = Path(path)
    if not path.exists():
        raise GazetteerError(f"{path}: no such file")
    reader = (
        "read_parquet(?)"
        if path.suffix == ".parquet"
        else "read_csv(?, header = true, all_varchar = true)"
    )
    try:
        table = con.sql(f"SELECT * FROM {reader}", params=[str(path)]).to_arrow_table()
    except duckdb.Error as error:
        raise GazetteerError(f"{path}: not a readable CSV or Parquet file ({error})") from error
    missing = [column for column in REQUIRED_GAZETTEER_COLUMNS if column not in table.column_names]
    if missing:
        raise GazetteerError(f"{path}: missing columns: {', '.join(missing)}")
    rows = []
    for row in table.to_pylist():
        row = {key: (None if value is None else str(value)) for key, value in row.items()}
        uprn = (row.get("UPRN") or "").strip()
        if not uprn:
            continue
        line = gazetteer_line(row)
        postcode = normalise_postcode(row.get("POSTCODE_LOCATOR"))
        tokens = address_tokens(line, postcode)
        rows.append(
            {
                "uprn": uprn,
                "address": line,
                "postcode": postcode,
                "postcode_district": postcode_parts(postcode)[0],
                "numbers": _numbers(tokens),
                "words": _words(tokens),
                "street_word": _street_word(tokens),
            }
        )
    text = pa.string()
    arrow = pa.Table.from_pylist(
        rows,
        schema=pa.schema(
            [
                ("uprn", text),
                ("address", text),
                ("postcode", text),
                ("postcode_district", text),
                ("numbers", pa.list_(text)),
                ("words", pa.list_(text)),
                ("street_word", text),
            ]
        ),
    )
    con.register("incoming_gazetteer", arrow)
    try:
        run(con, f"CREATE OR REPLACE TABLE {GAZETTEER_TABLE} AS SELECT * FROM incoming_gazetteer")
    finally:
        con.unregister("incoming_gazetteer")
    return len(rows)


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(
        scalar(con, "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name])
    )


def match_addresses(con: duckdb.DuckDBPyConnection, only: str | None = None) -> int:
    """Match clean records without a UPRN to the gazetteer into ``address_matches``.

    ``only`` names a table of unique_ids: match just those (the rest of the table is kept).
    Returns how many records matched."""
    run(
        con,
        f"CREATE TABLE IF NOT EXISTS {MATCHES_TABLE} "
        "(unique_id VARCHAR, uprn VARCHAR, score DOUBLE, method VARCHAR)",
    )
    if not _has_table(con, GAZETTEER_TABLE):
        return 0
    scope = f"AND unique_id IN (SELECT unique_id FROM {only})" if only else ""
    if only:
        run(con, f"DELETE FROM {MATCHES_TABLE} WHERE unique_id IN (SELECT unique_id FROM {only})")
    else:
        run(con, f"DELETE FROM {MATCHES_TABLE}")
    digits = "regexp_matches(t, '^[0-9]')"
    run(
        con,
        f"""
        CREATE OR REPLACE TEMP TABLE address_todo AS
        SELECT unique_id, postcode, postcode_district,
               list_prepend(house_number, list_sort(list_filter(
                   address_tokens, lambda t: {digits} AND t <> house_number))) AS numbers,
               list_sort(list_distinct(
                   list_filter(address_tokens, lambda t: NOT {digits}))) AS words,
               address_tokens[list_position(address_tokens, house_number) + 1] AS street_word
        FROM {CLEAN_TABLE}
        WHERE uprn IS NULL AND address_tokens IS NOT NULL AND house_number IS NOT NULL {scope}
        """,
    )
    # Dice: words both have, over the words of each (a building name the record leaves out
    # costs less than a street word that differs).
    score = "2 * len(list_intersect(t.words, g.words)) / greatest(len(t.words) + len(g.words), 1)"
    run(
        con,
        f"""
        INSERT INTO {MATCHES_TABLE}
        WITH by_postcode AS (
            SELECT t.unique_id, g.uprn, {score} AS score, 'postcode' AS method
            FROM address_todo t JOIN {GAZETTEER_TABLE} g
              ON g.postcode = t.postcode AND g.numbers = t.numbers
        ),
        best_by_postcode AS (
            SELECT * FROM by_postcode WHERE score >= {MIN_SCORE}
            QUALIFY score = max(score) OVER (PARTITION BY unique_id)
        ),
        -- Left out before the join, not after: most addresses matched by postcode, and each
        -- street word and numbers pair is shared by many gazetteer addresses to score.
        unmatched AS MATERIALIZED (
            SELECT * FROM address_todo
            WHERE unique_id NOT IN (SELECT unique_id FROM best_by_postcode)
        ),
        by_street AS (
            SELECT t.unique_id, g.uprn, {score} AS score, 'street' AS method
            FROM unmatched t JOIN {GAZETTEER_TABLE} g
              ON g.street_word = t.street_word AND g.numbers = t.numbers
             AND (t.postcode_district IS NULL OR g.postcode_district = t.postcode_district)
        ),
        best_by_street AS (
            SELECT * FROM by_street WHERE score >= {MIN_SCORE_WITHOUT_POSTCODE}
            QUALIFY score = max(score) OVER (PARTITION BY unique_id)
        ),
        best AS (SELECT * FROM best_by_postcode UNION ALL SELECT * FROM best_by_street)
        SELECT unique_id, any_value(uprn), max(score), any_value(method)
        FROM best GROUP BY unique_id HAVING count(DISTINCT uprn) = 1
        """,
    )
    run(con, "DROP TABLE address_todo")
    return scalar(con, f"SELECT count(*) FROM {MATCHES_TABLE}")


def has_address_matches(con: duckdb.DuckDBPyConnection) -> bool:
    return _has_table(con, MATCHES_TABLE) and _has_table(con, GAZETTEER_TABLE)


def truth_columns(truth_csv: str | Path) -> list[str]:
    with Path(truth_csv).open(encoding="utf-8") as handle:
        return handle.readline().strip().split(",")


@dataclass(frozen=True)
class AddressAccuracy:
    without_uprn: int
    matched: int
    correct: int

    @property
    def match_rate(self) -> float:
        return self.matched / self.without_uprn if self.without_uprn else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.matched if self.matched else 1.0

    def summary(self) -> str:
        return (
            f"addresses without a UPRN: {self.without_uprn}; matched to the gazetteer "
            f"{self.matched} ({self.match_rate:.1%}), of which right {self.correct} "
            f"({self.precision:.2%})"
        )


def evaluate_addresses(con: duckdb.DuckDBPyConnection, truth_csv: str | Path) -> AddressAccuracy:
    """Score the gazetteer matches against the generator's truth (its ``uprn`` column)."""
    (row,) = run(
        con,
        f"""
        WITH truth AS (
            SELECT source || ':' || source_id AS unique_id, uprn
            FROM read_csv(?, header = true, all_varchar = true)
        )
        SELECT count(*), count(m.uprn), count(*) FILTER (WHERE m.uprn = t.uprn)
        FROM {CLEAN_TABLE} c JOIN truth t USING (unique_id)
        LEFT JOIN {MATCHES_TABLE} m USING (unique_id)
        WHERE c.uprn IS NULL AND c.address IS NOT NULL
        """,
        [str(truth_csv)],
    )
    return AddressAccuracy(*(int(value) for value in row))


@dataclass(frozen=True)
class HouseholdSummary:
    households: int
    people: int
    by_uprn: int
    by_gazetteer: int
    by_address: int
    addresses_matched: int

    def summary(self) -> str:
        return (
            f"{self.households} households of {self.people} people: {self.by_uprn} by a "
            f"source's UPRN, {self.by_gazetteer} by a gazetteer match, {self.by_address} by "
            f"address alone ({self.addresses_matched} addresses matched to the gazetteer)"
        )


#: A household's id: ``HH-`` and its UPRN, or ``HH-A`` and a digest of its address and postcode
#: (the digest of ``address|postcode``, a missing one written ``None`` as earlier versions did).
HOUSEHOLD_ID_SQL = (
    "CASE WHEN uprn IS NOT NULL THEN 'HH-' || uprn ELSE 'HH-A' || "
    "left(sha256(coalesce(address, 'None') || '|' || coalesce(postcode, 'None')), 12) END"
)


def build_households(
    con: duckdb.DuckDBPyConnection, *, match: bool = True, only_records: str | None = None
) -> HouseholdSummary:
    """Write ``households`` and ``household_members`` for the latest run's people.

    ``only_records`` names a table of unique_ids whose addresses are matched to the gazetteer
    again (an incremental run's new and changed records); every other record keeps its match.
    Matching is most of the cost: about 4 s of processor time for 580,000 addresses.

    All in SQL: a household's address, postcode and UPRN are those of its member with the
    smallest person id, and it is "matched by" the best way any member's address was found (a
    source's UPRN, then a gazetteer match, then the address alone)."""
    matched = (
        match_addresses(con, only=only_records)
        if match
        else scalar(con, f"SELECT count(*) FROM {MATCHES_TABLE}")
    )
    latest = scalar(con, "SELECT max(run_id) FROM person_ids")
    has_gazetteer = _has_table(con, GAZETTEER_TABLE)
    gazetteer_address = (
        f"(SELECT g.address FROM {GAZETTEER_TABLE} g WHERE g.uprn = h.uprn LIMIT 1)"
        if has_gazetteer
        else "NULL"
    )
    run(
        con,
        f"""
        CREATE OR REPLACE TEMP TABLE household_people AS
        WITH current AS (
            SELECT p.person_id,
                   arg_max(
                       struct_pack(unique_id := c.unique_id, uprn := c.uprn,
                                   matched := m.uprn, address := c.address,
                                   raw := r.address, postcode := c.postcode),
                       struct_pack(seen := coalesce(c.last_seen, DATE '0001-01-01'),
                                   has_uprn := (c.uprn IS NOT NULL OR m.uprn IS NOT NULL),
                                   unique_id := c.unique_id)
                   ) AS h
            FROM person_ids p
            JOIN {CLEAN_TABLE} c USING (unique_id)
            JOIN {RECORDS_TABLE} r ON r.record_id = c.unique_id
            LEFT JOIN {MATCHES_TABLE} m USING (unique_id)
            WHERE p.run_id = {latest or 0} AND (c.address IS NOT NULL OR c.uprn IS NOT NULL)
            GROUP BY p.person_id
        ),
        chosen AS (
            SELECT person_id, coalesce(h.uprn, h.matched) AS uprn, h.address, h.raw,
                   h.postcode,
                   CASE WHEN h.uprn IS NOT NULL THEN 0
                        WHEN h.matched IS NOT NULL THEN 1 ELSE 2 END AS how
            FROM current
        )
        SELECT {HOUSEHOLD_ID_SQL} AS household_id, * FROM chosen
        """,
    )
    try:
        run(
            con,
            f"""
            CREATE OR REPLACE TABLE {HOUSEHOLDS_TABLE} AS
            WITH h AS (
                SELECT household_id,
                       arg_min(struct_pack(uprn := uprn, address := raw, postcode := postcode),
                               person_id) AS first,
                       min(how) AS how
                FROM household_people GROUP BY household_id
            ),
            flat AS (
                SELECT household_id, first.uprn AS uprn, first.address AS address,
                       first.postcode AS postcode, how FROM h
            )
            SELECT h.household_id, h.uprn, coalesce({gazetteer_address}, h.address) AS address,
                   h.postcode, ['uprn', 'gazetteer', 'address'][h.how + 1] AS matched_by
            FROM flat h ORDER BY h.household_id
            """,
        )
        run(
            con,
            f"CREATE OR REPLACE TABLE {MEMBERS_TABLE} AS SELECT household_id, person_id "
            "FROM household_people ORDER BY household_id, person_id",
        )
        counts = dict(run(con, f"SELECT matched_by, count(*) FROM {HOUSEHOLDS_TABLE} GROUP BY 1"))
        people = scalar(con, "SELECT count(*) FROM household_people")
    finally:
        run(con, "DROP TABLE IF EXISTS household_people")
    return HouseholdSummary(
        households=sum(counts.values()),
        people=people,
        by_uprn=counts.get("uprn", 0),
        by_gazetteer=counts.get("gazetteer", 0),
        by_address=counts.get("address", 0),
        addresses_matched=matched or 0,
    )
