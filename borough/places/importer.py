"""Import a council's LLPG extract (flat CSV) into the gazetteer.

Two policies, chosen by the caller:

* ``all_or_nothing`` (the default): every row is checked first; if any row is bad, nothing is
  loaded and every bad row is reported with its line number.
* ``skip_invalid``: the good rows are loaded and the bad ones are reported with line numbers.

Either way the load runs in one transaction: a failure part-way leaves the gazetteer as it was.
Existing UPRNs are updated in place; properties not in the file are left alone.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO

from django.db import transaction

from borough.core.postcodes import normalise_postcode, postcode_key

from .models import CollectionSchedule, Property, Street, Ward, WasteStream, build_search_text

REQUIRED_COLUMNS = [
    "UPRN",
    "USRN",
    "PAO_TEXT",
    "PAO_START_NUMBER",
    "STREET_DESCRIPTION",
    "TOWN_NAME",
    "POSTCODE_LOCATOR",
    "LATITUDE",
    "LONGITUDE",
]
OPTIONAL_COLUMNS = [
    "SAO_TEXT",
    "SAO_START_NUMBER",
    "PAO_START_SUFFIX",
    "LOCALITY",
    "X_COORDINATE",
    "Y_COORDINATE",
    "WARD_CODE",
    "WARD_NAME",
    "CLASSIFICATION_CODE",
    "LOGICAL_STATUS",
]
# BS7666 logical status: 1 approved, 3 alternative, 6 provisional, 8 historical.
CURRENT_STATUSES = {"1", "3", "6", ""}
KNOWN_STATUSES = CURRENT_STATUSES | {"8"}
BATCH = 2000


class ImportRefused(Exception):
    """The file cannot be imported at all (wrong columns, not CSV, not UTF-8)."""


@dataclass
class RowError:
    line: int
    message: str


@dataclass
class ImportReport:
    policy: str
    rows_read: int = 0
    loaded: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.policy == "all_or_nothing" and self.errors:
            head = (
                f"Nothing was imported: {len(self.errors)} of {self.rows_read} rows have "
                "problems. Fix them and import the file again."
            )
        else:
            head = f"Imported {self.loaded} of {self.rows_read} rows."
            if self.errors:
                head += f" Skipped {len(self.errors)} rows with problems."
        lines = [head] + [f"  line {e.line}: {e.message}" for e in self.errors]
        return "\n".join(lines)


@dataclass
class _Row:
    uprn: int
    usrn: int
    street: str
    sao: str
    pao: str
    locality: str
    town: str
    postcode: str
    latitude: Decimal
    longitude: Decimal
    easting: int | None
    northing: int | None
    ward_code: str
    ward_name: str
    classification: str
    is_current: bool


def _int(value: str, name: str, *, digits: int | None = None) -> int:
    value = value.strip()
    if not value.isdigit():
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if digits and len(value) > digits:
        raise ValueError(f"{name} has more than {digits} digits")
    return int(value)


def _coordinate(value: str, name: str, low: float, high: float) -> Decimal:
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if not (Decimal(str(low)) <= number <= Decimal(str(high))):
        raise ValueError(f"{name} {value} is outside the United Kingdom")
    return number.quantize(Decimal("0.000001"))


def _parse_row(raw: dict[str, str]) -> _Row:
    get = lambda name: (raw.get(name) or "").strip()  # noqa: E731
    uprn = _int(get("UPRN"), "UPRN", digits=12)
    usrn = _int(get("USRN"), "USRN", digits=8)
    street = get("STREET_DESCRIPTION")
    if not street:
        raise ValueError("STREET_DESCRIPTION is empty")
    number = get("PAO_START_NUMBER") + get("PAO_START_SUFFIX")
    pao = " ".join(part for part in (get("PAO_TEXT"), number) if part)
    if not pao:
        raise ValueError("the property has neither PAO_TEXT nor PAO_START_NUMBER")
    sao = " ".join(part for part in (get("SAO_TEXT"), get("SAO_START_NUMBER")) if part)
    town = get("TOWN_NAME")
    if not town:
        raise ValueError("TOWN_NAME is empty")
    postcode = normalise_postcode(get("POSTCODE_LOCATOR"))
    if not postcode:
        raise ValueError(f"POSTCODE_LOCATOR {get('POSTCODE_LOCATOR')!r} is not a UK postcode")
    status = get("LOGICAL_STATUS")
    if status not in KNOWN_STATUSES:
        raise ValueError(f"LOGICAL_STATUS {status!r} is not 1, 3, 6 or 8")
    easting = (
        _int(get("X_COORDINATE").split(".")[0], "X_COORDINATE") if get("X_COORDINATE") else None
    )
    northing = (
        _int(get("Y_COORDINATE").split(".")[0], "Y_COORDINATE") if get("Y_COORDINATE") else None
    )
    return _Row(
        uprn=uprn,
        usrn=usrn,
        street=street.title() if street.isupper() else street,
        sao=sao,
        pao=pao,
        locality=get("LOCALITY"),
        town=town.title() if town.isupper() else town,
        postcode=postcode,
        latitude=_coordinate(get("LATITUDE"), "LATITUDE", 49.8, 60.9),
        longitude=_coordinate(get("LONGITUDE"), "LONGITUDE", -8.7, 1.8),
        easting=easting,
        northing=northing,
        ward_code=get("WARD_CODE"),
        ward_name=get("WARD_NAME"),
        classification=get("CLASSIFICATION_CODE")[:8],
        is_current=status in CURRENT_STATUSES,
    )


def _read(source: IO[bytes] | IO[str], required: list[str] = REQUIRED_COLUMNS) -> csv.DictReader:
    text: Iterable[str]
    if isinstance(source, io.TextIOBase):
        text = source
    else:
        raw = source.read()
        assert isinstance(raw, bytes)  # text comes as a TextIOBase, above
        try:
            data = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ImportRefused(
                f"The file is not UTF-8 text (byte {error.start} cannot be read). "
                "Save it as CSV UTF-8 and try again."
            ) from None
        text = io.StringIO(data)
    reader = csv.DictReader(text)
    columns = [c.strip().upper() for c in (reader.fieldnames or [])]
    missing = [c for c in required if c not in columns]
    if missing:
        raise ImportRefused(f"The file is missing the columns: {', '.join(missing)}.")
    reader.fieldnames = columns
    return reader


def import_llpg(source: IO[bytes] | IO[str], *, policy: str = "all_or_nothing") -> ImportReport:
    """Check and load an LLPG extract; see the module docstring for the two policies."""
    if policy not in {"all_or_nothing", "skip_invalid"}:
        raise ValueError("policy must be 'all_or_nothing' or 'skip_invalid'")
    reader = _read(source)
    report = ImportReport(policy=policy)
    rows: list[_Row] = []
    seen: dict[int, int] = {}
    for raw in reader:
        report.rows_read += 1
        line = reader.line_num
        if None in raw:
            report.errors.append(RowError(line, "the row has more values than the header"))
            continue
        try:
            row = _parse_row(raw)
        except ValueError as error:
            report.errors.append(RowError(line, str(error)))
            continue
        if row.uprn in seen:
            report.errors.append(
                RowError(line, f"UPRN {row.uprn} is also on line {seen[row.uprn]}")
            )
            continue
        seen[row.uprn] = line
        rows.append(row)
    if report.errors and policy == "all_or_nothing":
        return report
    with transaction.atomic():
        _load(rows)
    report.loaded = len(rows)
    return report


def _load(rows: list[_Row]) -> None:
    wards = {ward.code: ward for ward in Ward.objects.all()}
    new_wards = {}
    for row in rows:
        if row.ward_code and row.ward_code not in wards and row.ward_code not in new_wards:
            new_wards[row.ward_code] = Ward(code=row.ward_code, name=row.ward_name or row.ward_code)
    Ward.objects.bulk_create(new_wards.values())
    wards = {ward.code: ward for ward in Ward.objects.all()}

    streets: dict[int, Street] = {}
    for row in rows:
        streets.setdefault(
            row.usrn, Street(usrn=row.usrn, name=row.street, locality=row.locality, town=row.town)
        )
    street_list = list(streets.values())
    for start in range(0, len(street_list), BATCH):
        Street.objects.bulk_create(
            street_list[start : start + BATCH],
            update_conflicts=True,
            unique_fields=["usrn"],
            update_fields=["name", "locality", "town"],
        )
    properties = [
        Property(
            uprn=row.uprn,
            usrn_id=row.usrn,
            sao=row.sao,
            pao=row.pao,
            locality=row.locality,
            town=row.town,
            postcode=row.postcode,
            postcode_key=postcode_key(row.postcode),
            latitude=row.latitude,
            longitude=row.longitude,
            easting=row.easting,
            northing=row.northing,
            ward=wards.get(row.ward_code),
            classification=row.classification,
            is_current=row.is_current,
            search_text=build_search_text(
                sao=row.sao,
                pao=row.pao,
                street=row.street,
                locality=row.locality,
                town=row.town,
                postcode=row.postcode,
            ),
        )
        for row in rows
    ]
    fields = [
        "usrn",
        "sao",
        "pao",
        "locality",
        "town",
        "postcode",
        "postcode_key",
        "latitude",
        "longitude",
        "easting",
        "northing",
        "ward",
        "classification",
        "is_current",
        "search_text",
    ]
    for start in range(0, len(properties), BATCH):
        Property.objects.bulk_create(
            properties[start : start + BATCH],
            update_conflicts=True,
            unique_fields=["uprn"],
            update_fields=fields,
        )


ROUND_COLUMNS = ["USRN", "STREAM", "WEEKDAY", "EVERY_WEEKS", "FIRST_DATE"]
_WEEKDAYS = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"]


def _parse_round(raw: dict[str, str], streets: set[int]) -> CollectionSchedule:
    get = lambda name: (raw.get(name) or "").strip()  # noqa: E731
    usrn = _int(get("USRN"), "USRN", digits=8)
    if usrn not in streets:
        raise ValueError(f"USRN {usrn} is not a street in the gazetteer")
    stream = get("STREAM").lower()
    if stream not in WasteStream.values:
        raise ValueError(f"STREAM must be one of {', '.join(WasteStream.values)}, got {stream!r}")
    weekday = get("WEEKDAY").upper()
    if weekday not in _WEEKDAYS[:5]:
        raise ValueError(f"WEEKDAY must be Monday to Friday, got {get('WEEKDAY')!r}")
    every = _int(get("EVERY_WEEKS"), "EVERY_WEEKS")
    if every not in (1, 2, 3, 4):
        raise ValueError("EVERY_WEEKS must be 1, 2, 3 or 4")
    try:
        first = dt.date.fromisoformat(get("FIRST_DATE"))
    except ValueError:
        raise ValueError(
            f"FIRST_DATE must be a date like 2026-01-05, got {get('FIRST_DATE')!r}"
        ) from None
    if first.weekday() != _WEEKDAYS.index(weekday):
        raise ValueError(f"FIRST_DATE {first} is a {first:%A}, not a {weekday.title()}")
    return CollectionSchedule(
        street_id=usrn, stream=stream, weekday=first.weekday(), every_weeks=every, first_date=first
    )


def import_collection_rounds(
    source: IO[bytes] | IO[str], *, policy: str = "all_or_nothing"
) -> ImportReport:
    """Check and load bin collection rounds (one row per street and waste stream).

    Columns: USRN, STREAM (general, recycling, food, garden), WEEKDAY (Monday to Friday),
    EVERY_WEEKS (1 to 4), FIRST_DATE (any date of a collection, ISO format). The same two
    policies as the LLPG import; a street's existing schedule for a stream is replaced.
    """
    if policy not in {"all_or_nothing", "skip_invalid"}:
        raise ValueError("policy must be 'all_or_nothing' or 'skip_invalid'")
    reader = _read(source, ROUND_COLUMNS)
    streets = set(Street.objects.values_list("usrn", flat=True))
    report = ImportReport(policy=policy)
    rounds: list[CollectionSchedule] = []
    seen: dict[tuple[int, str], int] = {}
    for raw in reader:
        report.rows_read += 1
        line = reader.line_num
        try:
            schedule = _parse_round(raw, streets)
        except ValueError as error:
            report.errors.append(RowError(line, str(error)))
            continue
        key = (schedule.street_id, schedule.stream)
        if key in seen:
            report.errors.append(
                RowError(line, f"USRN {key[0]} {key[1]} is also on line {seen[key]}")
            )
            continue
        seen[key] = line
        rounds.append(schedule)
    if report.errors and policy == "all_or_nothing":
        return report
    with transaction.atomic():
        CollectionSchedule.objects.bulk_create(
            rounds,
            batch_size=BATCH,
            update_conflicts=True,
            unique_fields=["street", "stream"],
            update_fields=["weekday", "every_weeks", "first_date"],
        )
    report.loaded = len(rounds)
    return report
