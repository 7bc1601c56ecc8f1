"""The common person schema every source extract is mapped to."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

#: Table names in the DuckDB database.
RECORDS_TABLE = "records"
CLEAN_TABLE = "records_clean"


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """One person as one source system holds them, before standardisation.

    ``record_id`` is ``"<source>:<source_id>"``, unique across every source. ``full_name`` keeps
    the name exactly as the source gave it; the parsed parts sit beside it.
    """

    record_id: str
    source: str
    source_id: str
    first_name: str | None = None
    middle_names: str | None = None
    last_name: str | None = None
    full_name: str | None = None
    dob: dt.date | None = None
    sex: str | None = None
    address: str | None = None
    postcode: str | None = None
    uprn: str | None = None
    phone: str | None = None
    email: str | None = None
    ni_number: str | None = None
    last_seen: dt.date | None = None


#: Column order of the records table.
COLUMNS: tuple[str, ...] = tuple(field.name for field in fields(PersonRecord))
DATE_FIELDS = frozenset({"dob", "last_seen"})
#: Fields a mapping may fill from the source's columns (``record_id`` and ``source`` are made).
MAPPABLE_FIELDS = frozenset(COLUMNS) - {"record_id", "source"}

RECORDS_DDL = f"""
CREATE TABLE {RECORDS_TABLE} (
    record_id VARCHAR PRIMARY KEY,
    source VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL,
    first_name VARCHAR,
    middle_names VARCHAR,
    last_name VARCHAR,
    full_name VARCHAR,
    dob DATE,
    sex VARCHAR,
    address VARCHAR,
    postcode VARCHAR,
    uprn VARCHAR,
    phone VARCHAR,
    email VARCHAR,
    ni_number VARCHAR,
    last_seen DATE
)
"""
