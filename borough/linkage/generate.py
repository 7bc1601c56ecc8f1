"""Synthetic extracts from several council systems, with the truth about who is who.

``generate(people=N, sources=K, seed=S, out=DIR)`` makes an invented population of a demo borough
(people in households at addresses, names from ``wordlists``), then writes what each of K
source systems would hold about them: its own ids, columns, name and date formats, and the errors
real extracts have (typos, nicknames, swapped first and last names, maiden names, old addresses
after a move, transposed day and month, missing values, a family's shared email and phone,
a person entered twice). Twins share a surname, date of birth and address and are still two
people. ``truth.csv`` says which person each source record is.

Nothing here is a real person: names are recombined word lists, phone numbers are from Ofcom's
ranges for drama, emails use the reserved example domains.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from .names import nickname_lexicon
from .population import TODAY, Address, Person, Population, make_population
from .sources import SOURCES, SourceSpec

# The rates of each kind of error in a source record.
TYPO = 0.04
NICKNAME = 0.12
SWAPPED_NAMES = 0.015
TRANSPOSED_DOB = 0.03
DOB_TYPO = 0.01
DUPLICATE = 0.03
ABBREVIATE = {"Road": "Rd", "Avenue": "Ave", "Close": "Cl", "Street": "St", "Gardens": "Gdns"}


class _Errors:
    def __init__(self, rng: random.Random):
        self.rng = rng
        variants: dict[str, list[str]] = {}
        for variant, formal in nickname_lexicon().items():
            if variant != formal:
                variants.setdefault(formal, []).append(variant)
        self.variants = variants

    def typo(self, text: str) -> str:
        rng = self.rng
        if len(text) < 3:
            return text
        index = rng.randrange(1, len(text) - 1)
        kind = rng.choice(["swap", "drop", "double", "replace"])
        if kind == "swap":
            return text[:index] + text[index + 1] + text[index] + text[index + 2 :]
        if kind == "drop":
            return text[:index] + text[index + 1 :]
        if kind == "double":
            return text[:index] + text[index] + text[index:]
        return text[:index] + rng.choice("aeioulnrst") + text[index + 1 :]

    def nickname(self, first_name: str) -> str:
        options = self.variants.get(first_name.lower())
        return self.rng.choice(options).title() if options else first_name

    def dob(self, dob: dt.date) -> dt.date:
        rng = self.rng
        roll = rng.random()
        if roll < TRANSPOSED_DOB and dob.day <= 12 and dob.day != dob.month:
            return dob.replace(day=dob.month, month=dob.day)
        if roll < TRANSPOSED_DOB + DOB_TYPO:
            if rng.random() < 0.5 and not (dob.month == 2 and dob.day == 29):
                return dob.replace(year=dob.year + rng.choice([-1, 1]))
            return dob + dt.timedelta(days=rng.choice([-1, 1]))
        return dob


def _address_text(spec: SourceSpec, address: Address, rng: random.Random) -> list[str]:
    street = address.street
    if rng.random() < 0.3:
        word, _, suffix = street.rpartition(" ")
        street = f"{word} {ABBREVIATE.get(suffix, suffix)}"
    line1 = f"{address.number} {street}"
    if address.flat:
        line1 = f"Flat {address.flat}, {line1}" if rng.random() < 0.7 else f"{address.flat}/{line1}"
    if rng.random() < 0.2:
        line1 = line1.upper()
    if spec.address_columns == 2:
        return [line1, address.town]
    return [f"{line1}, {address.town}"]


def _postcode_text(postcode: str, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.1:
        return postcode.replace(" ", "")
    if roll < 0.2:
        return postcode.lower()
    return postcode


def _record(spec: SourceSpec, person: Person, errors: _Errors, rng: random.Random) -> dict:
    first, last, middle = person.first_name, person.last_name, person.middle_name
    if person.maiden_name and rng.random() < spec.maiden:
        last = person.maiden_name
    if rng.random() < NICKNAME:
        first = errors.nickname(first)
    if rng.random() < TYPO:
        first = errors.typo(first)
    if rng.random() < TYPO:
        last = errors.typo(last)
    if rng.random() < SWAPPED_NAMES:
        first, last = last, first
    address = person.address
    if person.previous_address and rng.random() < spec.stale:
        address = person.previous_address
    dob = errors.dob(person.dob)
    values: dict[str, object] = {}
    title = ""
    if spec.with_title and rng.random() < 0.6:
        title = "Mr " if person.sex == "m" else rng.choice(["Mrs ", "Ms ", "Miss "])
    if spec.name_style == "LAST, First":
        values["full_name"] = f"{last.upper()}, {title}{first}" + (
            f" {middle}" if middle and rng.random() < 0.5 else ""
        )
    elif spec.name_style == "First Last":
        values["full_name"] = f"{title}{first} {last}"
    elif spec.name_style == "parts_forenames":
        values["first_name"] = f"{first} {middle}" if middle else first
        values["last_name"] = last.upper()
    else:
        values["first_name"] = first
        values["last_name"] = last
        values["middle_names"] = middle
    values["dob"] = dob
    values["sex"] = {"f": rng.choice(["F", "Female"]), "m": rng.choice(["M", "Male"])}[person.sex]
    values["address"] = _address_text(spec, address, rng)
    values["postcode"] = _postcode_text(address.postcode, rng)
    values["uprn"] = address.uprn
    values["true_uprn"] = address.uprn  # kept for truth.csv even when the source loses it
    phone = person.phone
    if person.other_phone and rng.random() < 0.4:
        phone = person.other_phone
    if phone and rng.random() < 0.5:
        national = "0" + phone[3:]
        phone = f"{national[:5]} {national[5:]}"
    values["phone"] = phone
    email = person.other_email if person.other_email and rng.random() < 0.4 else person.email
    values["email"] = email.upper() if email and rng.random() < 0.05 else email
    values["ni_number"] = person.ni_number
    if person.ni_number and rng.random() < 0.3:
        ni = person.ni_number
        values["ni_number"] = f"{ni[:2]} {ni[2:4]} {ni[4:6]} {ni[6:8]} {ni[8]}"
    for key, rate in spec.missing.items():
        if rng.random() < rate:
            values[key] = None
    if rng.random() < 0.02:
        values["postcode"] = None
    return values


def _eligible(spec: SourceSpec, population: Population, rng: random.Random) -> list[Person]:
    chosen, households_seen = [], set()
    for person in population.people:
        if not spec.min_age <= person.age <= spec.max_age:
            continue
        if spec.one_per_household:
            if person.household in households_seen:
                continue
            if rng.random() < spec.coverage:
                households_seen.add(person.household)
                chosen.append(person)
            continue
        if rng.random() < spec.coverage:
            chosen.append(person)
    return chosen


def _source_columns(spec: SourceSpec) -> dict[str, str]:
    return {**spec.columns, "last_seen": spec.last_seen_column}


def _write_source(spec: SourceSpec, rows: list[dict], out: Path) -> None:
    header = []
    for schema_field, column in _source_columns(spec).items():
        if schema_field == "address" and spec.address_columns == 2:
            header += [f"{column} 1", f"{column} 2"]
        else:
            header.append(column)
    table_rows = []
    for values in rows:
        row = {}
        for schema_field, column in _source_columns(spec).items():
            value = values.get(schema_field)
            if schema_field == "address":
                lines = value or []
                if spec.address_columns == 2:
                    row[f"{column} 1"] = lines[0] if lines else None
                    row[f"{column} 2"] = lines[1] if len(lines) > 1 else None
                else:
                    row[column] = lines[0] if lines else None
            elif isinstance(value, dt.date):
                row[column] = value.strftime(spec.date_format or "%Y-%m-%d")
            else:
                row[column] = value
        table_rows.append(row)
    path = out / f"{spec.name}.{spec.file_format}"
    if spec.file_format == "parquet":
        arrow_schema = pa.schema([(column, pa.string()) for column in header])
        pq.write_table(pa.Table.from_pylist(table_rows, schema=arrow_schema), path)
    else:
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=header)
            writer.writeheader()
            writer.writerows(table_rows)
    columns: dict[str, object] = {}
    for schema_field, column in _source_columns(spec).items():
        if schema_field == "address" and spec.address_columns == 2:
            columns[schema_field] = [f"{column} 1", f"{column} 2"]
        else:
            columns[schema_field] = column
    mapping: dict[str, object] = {"source": spec.name, "path": path.name}
    if spec.name_style in ("LAST, First", "First Last"):
        mapping["name_format"] = spec.name_style
    date_formats = {"last_seen": spec.date_format or "%Y-%m-%d"}
    if spec.date_format and "dob" in spec.columns:
        date_formats = {"dob": spec.date_format, **date_formats}
    mapping["date_formats"] = date_formats
    mapping["columns"] = columns
    (out / f"{spec.name}.yaml").write_text(
        yaml.safe_dump(mapping, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )


GAZETTEER_COLUMNS = [
    "UPRN",
    "USRN",
    "SAO_TEXT",
    "SAO_START_NUMBER",
    "PAO_TEXT",
    "PAO_START_NUMBER",
    "PAO_START_SUFFIX",
    "STREET_DESCRIPTION",
    "LOCALITY",
    "TOWN_NAME",
    "POSTCODE_LOCATOR",
    "LATITUDE",
    "LONGITUDE",
    "LOGICAL_STATUS",
]


def write_gazetteer(population: Population, path: Path) -> Path:
    """Every address of the population as a flat LLPG extract (the columns Borough's gazetteer
    importer reads), so households can match addresses that came without a UPRN."""
    streets: dict[tuple[str, str], int] = {}
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(GAZETTEER_COLUMNS)
        for address in sorted(population.addresses, key=lambda a: a.uprn):
            usrn = streets.setdefault((address.street, address.town), 20750001 + len(streets))
            writer.writerow(
                [
                    address.uprn,
                    usrn,
                    f"FLAT {address.flat}" if address.flat else "",
                    address.flat or "",
                    "",
                    address.number,
                    "",
                    address.street.upper(),
                    "",
                    address.town.upper(),
                    address.postcode,
                    "",
                    "",
                    "1",
                ]
            )
    return path


@dataclass(frozen=True)
class GenerateSummary:
    people: int
    records_by_source: dict[str, int]
    mappings: list[Path]
    truth: Path
    gazetteer: Path | None = None


def generate(
    *,
    people: int,
    sources: int,
    seed: int,
    out: str | Path,
    progress: Callable[[str], None] | None = None,
) -> GenerateSummary:
    """Write ``sources`` extracts (CSV or Parquet, each with its YAML mapping) and truth.csv.
    ``progress`` is told each step as it starts: the population, each source, the gazetteer."""
    progress = progress or (lambda step: None)
    if not 1 <= sources <= len(SOURCES):
        raise ValueError(f"sources must be between 1 and {len(SOURCES)}")
    if people < 1:
        raise ValueError("people must be at least 1")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    progress("making the population")
    population = make_population(people, seed)
    truth_rows, counts, mappings = [], {}, []
    for index, spec in enumerate(SOURCES[:sources]):
        progress(f"writing {spec.name}")
        rng = random.Random(f"{seed}:{spec.name}")
        errors = _Errors(rng)
        members = _eligible(spec, population, rng)
        entries = []
        for person in members:
            entries.append(person)
            if rng.random() < DUPLICATE:
                entries.append(person)  # entered twice, with its own errors each time
        rng.shuffle(entries)
        id_numbers = rng.sample(range(1, max(10 * len(entries), 1000)), len(entries))
        rows = []
        # UPRNs dropped and last-seen dates come from a stream of their own, so adding them
        # left every other value the same seed gave before.
        extra = random.Random(f"{seed}:{spec.name}:extra")
        for person, number in zip(entries, sorted(id_numbers), strict=True):
            values = _record(spec, person, errors, rng)
            values["source_id"] = spec.id_format.format(n=number + index)
            true_uprn = values.pop("true_uprn")
            moved_away = person.previous_address and true_uprn == person.previous_address.uprn
            if extra.random() < spec.uprn_missing:
                values["uprn"] = None
            days = extra.randint(400, 2500) if moved_away else extra.randint(0, 365)
            values["last_seen"] = TODAY - dt.timedelta(days=days)
            rows.append(values)
            truth_rows.append((spec.name, values["source_id"], person.person_id, true_uprn))
        _write_source(spec, rows, out)
        counts[spec.name] = len(rows)
        mappings.append(out / f"{spec.name}.yaml")
    truth = out / "truth.csv"
    with truth.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source", "source_id", "person_id", "uprn"])
        writer.writerows(truth_rows)
    progress("writing the gazetteer")
    gazetteer = write_gazetteer(population, out / "gazetteer.csv")
    return GenerateSummary(
        people=len(population.people),
        records_by_source=counts,
        mappings=mappings,
        truth=truth,
        gazetteer=gazetteer,
    )
