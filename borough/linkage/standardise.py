"""Standardise the records table: the clean table every later step links on.

Each field is standardised by the functions in ``text``, ``names``, ``addresses`` and
``personal_details`` (postcodes by ``borough.core.postcodes``), so that the same value written
two ways compares equal.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pyarrow as pa

from borough.core.postcodes import normalise_postcode

from .addresses import address_tokens, house_number, postcode_parts, sorted_address_tokens
from .blocking import RARE_NAME_RECORDS
from .db import memory_limit, run, scalar
from .names import name_canonical, split_forenames, standard_name
from .personal_details import (
    normalise_email,
    normalise_ni_number,
    normalise_phone,
    normalise_sex,
    sex_from_title,
)
from .schema import CLEAN_TABLE, RECORDS_TABLE

# standardise_record is the definition of a clean row. The table is built to the same result
# without a Python object per row: names, postcodes, addresses, phones and the rest repeat across
# sources and households (a million records hold a few hundred thousand distinct addresses and far
# fewer names), so each standardising function runs once per distinct value, the answers go into
# small lookup tables, and DuckDB joins them to the records in one statement on every core.
LOOKUP_BATCH = 100_000
_LOOKUP_PREFIX = "clean_lookup_"
_LOOKUPS = ("name", "sex", "title", "postcode", "address", "uprn", "phone", "email", "ni_number")
#: The steps :func:`standardise_table` tells its ``progress`` of: each lookup, then the table.
STEPS = len(_LOOKUPS) + 1


def _uprn(value: str | None) -> str | None:
    return re.sub(r"\D", "", value or "") or None


def standardise_record(record: dict) -> dict:
    """One row of the records table -> the row that is linked on."""
    first_name, more_names = split_forenames(standard_name(record.get("first_name")))
    last_name = standard_name(record.get("last_name"))
    postcode = normalise_postcode(record.get("postcode"))
    district, sector = postcode_parts(postcode)
    tokens = address_tokens(record.get("address"), postcode)
    return {
        "unique_id": record["record_id"],
        "source": record["source"],
        "source_id": record["source_id"],
        "first_name": first_name,
        "first_name_canonical": name_canonical(first_name),
        "middle_names": standard_name(record.get("middle_names")) or more_names,
        "last_name": last_name,
        "dob": record.get("dob"),
        "sex": normalise_sex(record.get("sex")) or sex_from_title(record.get("full_name")),
        "address": " ".join(tokens) or None,
        "address_tokens": tokens or None,
        "house_number": house_number(tokens),
        "postcode": postcode,
        "postcode_district": district,
        "postcode_sector": sector,
        "uprn": _uprn(record.get("uprn")),
        "phone": normalise_phone(record.get("phone")),
        "email": normalise_email(record.get("email")),
        "ni_number": normalise_ni_number(record.get("ni_number")),
        "last_seen": record.get("last_seen"),
    }


def _arrow_schema():
    text = pa.string()
    return pa.schema(
        [
            ("unique_id", text),
            ("source", text),
            ("source_id", text),
            ("first_name", text),
            ("first_name_canonical", text),
            ("middle_names", text),
            ("last_name", text),
            ("dob", pa.date32()),
            ("sex", text),
            ("address", text),
            ("address_tokens", pa.list_(text)),
            ("house_number", text),
            ("postcode", text),
            ("postcode_district", text),
            ("postcode_sector", text),
            ("uprn", text),
            ("phone", text),
            ("email", text),
            ("ni_number", text),
            ("last_seen", pa.date32()),
        ]
    )


def clean_arrow(records: list[dict]):
    """Rows of the records table -> an Arrow table in the clean table's shape, row by row
    through :func:`standardise_record`: for a handful of rows (tests, examples)."""
    return pa.Table.from_pylist([standardise_record(r) for r in records], schema=_arrow_schema())


def _build_lookup(con, name: str, keys_sql: str, columns: dict[str, str], compute) -> None:
    """Temp table ``clean_lookup_<name>`` (``columns``: name -> SQL type): the distinct keys
    ``keys_sql`` selects, then what ``compute`` makes of them, a batch of keys at a time (the
    keys wait in Arrow, not as Python objects)."""
    table = _LOOKUP_PREFIX + name
    arrow_types = {"VARCHAR": pa.string(), "VARCHAR[]": pa.list_(pa.string())}
    schema = pa.schema([(column, arrow_types[kind]) for column, kind in columns.items()])
    ddl = ", ".join(f"{column} {kind}" for column, kind in columns.items())
    run(con, f"CREATE OR REPLACE TEMP TABLE {table} ({ddl})")
    keys = con.sql(keys_sql).to_arrow_table()
    for batch in keys.to_batches(max_chunksize=LOOKUP_BATCH):
        results = compute(*(column.to_pylist() for column in batch.columns))
        arrays = list(batch.columns)
        for values in results:
            arrays.append(pa.array(values, schema.field(len(arrays)).type))
        con.register("clean_lookup_batch", pa.Table.from_arrays(arrays, schema=schema))
        try:
            run(con, f"INSERT INTO {table} SELECT * FROM clean_lookup_batch")
        finally:
            con.unregister("clean_lookup_batch")


def _names(raws: list[str]) -> tuple[list, list, list, list]:
    standard = [standard_name(raw) for raw in raws]
    split = [split_forenames(name) for name in standard]
    firsts = [first for first, _ in split]
    return (
        standard,
        firsts,
        [rest for _, rest in split],
        [name_canonical(first) for first in firsts],
    )


def _postcodes(raws: list[str]) -> tuple[list, list, list]:
    postcodes = [normalise_postcode(raw) for raw in raws]
    parts = [postcode_parts(postcode) for postcode in postcodes]
    return postcodes, [part[0] for part in parts], [part[1] for part in parts]


def _each(function):
    return lambda raws: ([function(raw) for raw in raws],)


def clean_select(con, source: str, *, progress: Callable[[str], None] | None = None) -> str:
    """Build the lookup tables for the distinct values of ``source`` (a table or view in the
    records table's shape) and return the SQL that selects its clean rows from them.
    :func:`drop_lookups` removes the lookups once the rows are written. ``progress`` is told
    each lookup as its building starts."""
    progress = progress or (lambda step: None)
    text = "VARCHAR"
    lookups = [
        (
            "name",
            "SELECT first_name FROM {s} WHERE first_name IS NOT NULL UNION "
            "SELECT middle_names FROM {s} WHERE middle_names IS NOT NULL UNION "
            "SELECT last_name FROM {s} WHERE last_name IS NOT NULL",
            {
                "raw": text,
                "standard": text,
                "first": text,
                "rest": text,
                "first_canonical": text,
            },
            _names,
        ),
        ("sex", "sex", {"raw": text, "sex": text}, _each(normalise_sex)),
        ("title", "full_name", {"raw": text, "sex": text}, _each(sex_from_title)),
        (
            "postcode",
            "postcode",
            {"raw": text, "postcode": text, "district": text, "sector": text},
            _postcodes,
        ),
        ("uprn", "uprn", {"raw": text, "uprn": text}, _each(_uprn)),
        ("phone", "phone", {"raw": text, "phone": text}, _each(normalise_phone)),
        ("email", "email", {"raw": text, "email": text}, _each(normalise_email)),
        ("ni_number", "ni_number", {"raw": text, "ni_number": text}, _each(normalise_ni_number)),
    ]
    for name, values, columns, compute in lookups:
        if " " not in values:
            values = f"SELECT DISTINCT {values} FROM {{s}} WHERE {values} IS NOT NULL"
        progress(f"standardising {name.replace('_', ' ')}")
        _build_lookup(con, name, values.format(s=source), columns, compute)
    # The postcode is taken out of the address, so an address is looked up with its postcode.
    progress("standardising address")
    _build_lookup(
        con,
        "address",
        f"SELECT DISTINCT r.address, coalesce(p.postcode, '') AS postcode "
        f"FROM {source} r LEFT JOIN {_LOOKUP_PREFIX}postcode p ON p.raw = r.postcode "
        "WHERE r.address IS NOT NULL ORDER BY r.address",
        {
            "raw": text,
            "postcode": text,
            "address": text,
            "tokens": "VARCHAR[]",
            "house_number": text,
        },
        sorted_address_tokens,
    )
    p = _LOOKUP_PREFIX
    return f"""
        SELECT r.record_id AS unique_id, r.source, r.source_id,
            fn.first AS first_name, fn.first_canonical AS first_name_canonical,
            coalesce(mn.standard, fn.rest) AS middle_names, ln.standard AS last_name, r.dob,
            coalesce(sx.sex, tt.sex) AS sex,
            ad.address, ad.tokens AS address_tokens, ad.house_number,
            pc.postcode, pc.district AS postcode_district, pc.sector AS postcode_sector,
            up.uprn, ph.phone, em.email, ni.ni_number, r.last_seen
        FROM {source} r
        LEFT JOIN {p}name fn ON fn.raw = r.first_name
        LEFT JOIN {p}name mn ON mn.raw = r.middle_names
        LEFT JOIN {p}name ln ON ln.raw = r.last_name
        LEFT JOIN {p}sex sx ON sx.raw = r.sex
        LEFT JOIN {p}title tt ON tt.raw = r.full_name
        LEFT JOIN {p}postcode pc ON pc.raw = r.postcode
        LEFT JOIN {p}address ad
            ON ad.raw = r.address AND ad.postcode = coalesce(pc.postcode, '')
        LEFT JOIN {p}uprn up ON up.raw = r.uprn
        LEFT JOIN {p}phone ph ON ph.raw = r.phone
        LEFT JOIN {p}email em ON em.raw = r.email
        LEFT JOIN {p}ni_number ni ON ni.raw = r.ni_number
    """


def drop_lookups(con) -> None:
    for name in _LOOKUPS:
        run(con, f"DROP TABLE IF EXISTS {_LOOKUP_PREFIX}{name}")


#: The address a record's household is known by: postcode and house number (a UPRN is missing
#: from most systems, and both sides of a pair need the same key).
_HOME = "postcode || '|' || house_number"


def add_household_names(con) -> None:
    """Add ``household_names`` to the clean table: the other rare names (first name with
    nicknames folded, and surname, carried by at most ``RARE_NAME_RECORDS`` records: a common
    name at two addresses says little) that any record gives at the record's address. A person
    who moved usually moved with their household, so two records of one name at two addresses
    at which another name also appears are far more likely one person than namesakes
    (``link``'s household comparison). Empty when the address has no postcode or house
    number; incremental runs leave it empty for new records until the next full standardise."""
    run(
        con,
        f"""
        CREATE OR REPLACE TEMP TABLE household_names_by_home AS
        SELECT {_HOME} AS home, first_name_canonical || ' ' || last_name AS name
        FROM {CLEAN_TABLE}
        WHERE postcode IS NOT NULL AND house_number IS NOT NULL
          AND first_name_canonical IS NOT NULL AND last_name IS NOT NULL
          AND name_count <= {RARE_NAME_RECORDS}
        GROUP BY ALL
        """,
    )
    run(
        con,
        f"""
        CREATE OR REPLACE TABLE {CLEAN_TABLE} AS
        SELECT c.*, (
            SELECT list(h.name ORDER BY h.name) FROM household_names_by_home h
            WHERE h.home = c.postcode || '|' || c.house_number
              AND h.name <> coalesce(c.first_name_canonical || ' ' || c.last_name, '')
        ) AS household_names
        FROM {CLEAN_TABLE} c ORDER BY unique_id
        """,
    )
    run(con, "DROP TABLE household_names_by_home")


def standardise_table(con, *, progress: Callable[[str], None] | None = None) -> int:
    """Build the clean table from the records table (replacing it); returns its row count.
    ``progress`` is told each of the :data:`STEPS` as it starts."""
    try:
        with memory_limit(con):
            select = clean_select(con, RECORDS_TABLE, progress=progress)
            if progress:
                progress("writing the clean table")
            # name_count: how many records carry the same first name (nickname folded) and
            # surname; the names blocking rule compares namesakes without a date of birth
            # anywhere in the borough only while the name is this rare (``link.NAMES_RULE``).
            run(
                con,
                f"CREATE OR REPLACE TABLE {CLEAN_TABLE} AS SELECT *, count(*) OVER "
                "(PARTITION BY first_name_canonical, last_name)::INTEGER AS name_count "
                f"FROM ({select}) ORDER BY unique_id",
            )
            add_household_names(con)
    finally:
        drop_lookups(con)
    return scalar(con, f"SELECT count(*) FROM {CLEAN_TABLE}")
