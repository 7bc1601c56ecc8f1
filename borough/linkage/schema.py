"""The common person schema every source extract is mapped to, and the tables and thresholds
every step of the engine shares."""

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


#: Column order of the records table. Every other list of person fields (the golden record's,
#: the single view's records and import check) is derived from ``PersonRecord``.
COLUMNS: tuple[str, ...] = tuple(field.name for field in fields(PersonRecord))
DATE_FIELDS = frozenset({"dob", "last_seen"})
#: The fields a source system holds, in order (``record_id`` and ``source`` are made).
SOURCE_FIELDS: tuple[str, ...] = tuple(
    name for name in COLUMNS if name not in ("record_id", "source")
)
#: Fields a mapping may fill from the source's columns.
MAPPABLE_FIELDS = frozenset(SOURCE_FIELDS)
#: The golden record's fields, in the order people read them: one value each for a person, so not
#: the source's own id, the name as written whole, middle names or when a source last saw them.
GOLDEN_FIELDS: tuple[str, ...] = tuple(
    name
    for name in SOURCE_FIELDS
    if name not in ("source_id", "full_name", "middle_names", "last_seen")
)

_CONSTRAINTS = {"record_id": " PRIMARY KEY", "source": " NOT NULL", "source_id": " NOT NULL"}
RECORDS_DDL = (
    f"CREATE TABLE {RECORDS_TABLE} ("
    + ", ".join(
        f"{name} {'DATE' if name in DATE_FIELDS else 'VARCHAR'}{_CONSTRAINTS.get(name, '')}"
        for name in COLUMNS
    )
    + ")"
)

#: The tables of a link run: scored pairs above the prediction threshold, each record's cluster.
PREDICTIONS_TABLE = "predictions"
CLUSTERS_TABLE = "clusters"
#: Pairs at or above this probability are kept in the predictions table (the review band's floor).
PREDICT_THRESHOLD = 0.5
#: Pairs at or above this probability join two records into one person.
CLUSTER_THRESHOLD = 0.99
