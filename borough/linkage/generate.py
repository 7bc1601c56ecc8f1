"""Synthetic extracts from several council systems, with the truth about who is who.

``generate(people=N, sources=K, seed=S, out=DIR)`` makes an invented population of a demo borough
(people in households at addresses, names from ``borough.demo.names``), then writes what each of K
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
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from borough.demo import names

from .standardise import nickname_lexicon

TODAY = dt.date(2026, 11, 1)
LETTERS = "ABCEGHJKLMNPRSTWXYZ"


@dataclass(frozen=True)
class Address:
    uprn: str
    flat: str | None
    number: int
    street: str
    town: str
    postcode: str


@dataclass
class Person:
    person_id: str
    first_name: str
    middle_name: str | None
    last_name: str
    sex: str
    dob: dt.date
    address: Address
    previous_address: Address | None = None
    maiden_name: str | None = None
    phone: str | None = None
    email: str | None = None
    ni_number: str | None = None
    household: int = 0
    other_phone: str | None = None  # an old or work number some systems still hold
    other_email: str | None = None

    @property
    def age(self) -> int:
        years = TODAY.year - self.dob.year
        return years - ((TODAY.month, TODAY.day) < (self.dob.month, self.dob.day))


@dataclass
class Population:
    people: list[Person] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)


# --- the population ----------------------------------------------------------------------------
def _addresses(rng: random.Random, count: int) -> list[Address]:
    combos = [(word, suffix) for word in names.STREET_WORDS for suffix in names.STREET_SUFFIXES]
    rng.shuffle(combos)
    addresses, used_postcodes, uprn = [], set(), 100021000000
    street_index = 0
    while len(addresses) < count:
        word, suffix = combos[street_index % len(combos)]
        town = names.TOWNS[street_index % len(names.TOWNS)]
        district = rng.choice(names.POSTCODE_DISTRICTS[town])
        street_index += 1
        postcode, in_postcode = None, 99
        for number in range(1, rng.randint(20, 60)):
            if in_postcode >= rng.randint(10, 18):
                # A district has 9 x 20 x 20 unit postcodes: past about 200,000 people they run
                # out, so after some tries a used one is taken (two streets share a postcode)
                # rather than looping for ever.
                for _ in range(50):
                    postcode = (
                        f"{district} {rng.randint(1, 9)}"
                        f"{rng.choice(names.POSTCODE_UNIT_LETTERS)}"
                        f"{rng.choice(names.POSTCODE_UNIT_LETTERS)}"
                    )
                    if postcode not in used_postcodes:
                        break
                used_postcodes.add(postcode)
                in_postcode = 0
            flats = rng.randint(4, 10) if rng.random() < 0.08 else 0
            for flat in range(1, flats + 1) if flats else [None]:
                uprn += 1
                addresses.append(
                    Address(
                        uprn=str(uprn),
                        flat=str(flat) if flat else None,
                        number=number,
                        street=f"{word} {suffix}",
                        town=town,
                        postcode=postcode,
                    )
                )
                in_postcode += 1
    rng.shuffle(addresses)
    return addresses[:count]


def _dob(rng: random.Random, low: int, high: int) -> dt.date:
    age_days = rng.randint(low * 365, high * 365 + 364)
    return TODAY - dt.timedelta(days=age_days)


def _ni_number(rng: random.Random) -> str:
    while True:
        prefix = rng.choice("ABCEGHJKLMNPRSTWXYZ") + rng.choice("ABCEGHJKLMNPRSTWXYZ")
        if prefix not in ("BG", "GB", "NK", "KN", "TN", "NT", "ZZ"):
            return f"{prefix}{rng.randint(0, 999999):06d}{rng.choice('ABCD')}"


class _PopulationBuilder:
    def __init__(self, rng: random.Random, people: int):
        self.rng = rng
        self.target = people
        self.population = Population(addresses=_addresses(rng, int(people / 2.0) + 50))
        self.free = list(self.population.addresses)
        self.household = 0
        self.phone_serial = 0

    def phone(self) -> str:
        # Ofcom keeps 1,000 numbers of each range for drama: unique up to 9,000 phones.
        self.phone_serial += 1
        prefixes = names.PHONE_PREFIXES
        prefix = prefixes[(self.phone_serial // 1000) % len(prefixes)]
        return f"{prefix}{self.phone_serial % 1000:03d}"

    def person(self, *, sex=None, last_name=None, dob=None, address) -> Person:
        rng = self.rng
        sex = sex or rng.choice("fm")
        pool = names.FIRST_NAMES_FEMALE if sex == "f" else names.FIRST_NAMES_MALE
        middle = rng.choice(pool) if rng.random() < 0.4 else None
        person = Person(
            person_id=f"P{len(self.population.people) + 1:07d}",
            first_name=rng.choice(pool),
            middle_name=middle,
            last_name=last_name or rng.choice(names.LAST_NAMES),
            sex=sex,
            dob=dob or _dob(rng, 18, 90),
            address=address,
            household=self.household,
        )
        if person.age >= 16:
            person.ni_number = _ni_number(rng)
            if rng.random() < 0.8:
                person.phone = self.phone()
            if rng.random() < 0.2:
                person.other_phone = self.phone()
            if rng.random() < 0.7:
                domain = rng.choice(names.EMAIL_DOMAINS)
                serial = rng.randint(1, 999)
                first, last = person.first_name.lower(), person.last_name.lower()
                person.email = f"{first}.{last}{serial}@{domain}".replace(" ", "")
                if rng.random() < 0.2:
                    person.other_email = f"{first[0]}{last}{serial + 1}@{domain}".replace(" ", "")
        self.population.people.append(person)
        return person

    def household_of(self, size_hint: str) -> None:
        rng = self.rng
        self.household += 1
        address = self.free.pop()
        previous = self.free.pop() if rng.random() < 0.15 and len(self.free) > 10 else None
        members: list[Person] = []
        surname = rng.choice(names.LAST_NAMES)
        if size_hint == "single":
            members.append(self.person(address=address, last_name=surname))
        elif size_hint in ("couple", "family"):
            first = self.person(sex="m", address=address, last_name=surname, dob=_dob(rng, 22, 85))
            second_dob = first.dob + dt.timedelta(days=rng.randint(-2500, 2500))
            youngest_adult = TODAY - dt.timedelta(days=18 * 366 + rng.randint(0, 2000))
            second_dob = min(second_dob, youngest_adult)
            married = rng.random() < 0.7
            second = self.person(
                sex="f",
                address=address,
                last_name=surname if married else None,
                dob=second_dob,
            )
            if married:
                second.maiden_name = rng.choice(names.LAST_NAMES)
            members += [first, second]
            if size_hint == "family":
                youngest_parent = min(first.age, second.age)
                children = rng.choice([1, 1, 2, 2, 3])
                for _ in range(children):
                    top = max(0, min(25, youngest_parent - 18))
                    dob = _dob(rng, 0, top)
                    if rng.random() < 0.015:  # twins: about 3% of children, as in England
                        sex = rng.choice("fm")
                        members.append(
                            self.person(sex=sex, address=address, last_name=surname, dob=dob)
                        )
                        twin = self.person(sex=sex, address=address, last_name=surname, dob=dob)
                        while twin.first_name == members[-1].first_name:
                            pool = (
                                names.FIRST_NAMES_FEMALE if sex == "f" else names.FIRST_NAMES_MALE
                            )
                            twin.first_name = rng.choice(pool)
                        members.append(twin)
                    else:
                        members.append(self.person(address=address, last_name=surname, dob=dob))
        else:  # sharers
            for _ in range(rng.randint(2, 4)):
                members.append(self.person(address=address, dob=_dob(rng, 19, 45)))
        landline = self.phone() if rng.random() < 0.3 else None
        family_email = None
        if rng.random() < 0.15:
            family_email = (
                f"the{surname.lower()}s{rng.randint(1, 99)}@{rng.choice(names.EMAIL_DOMAINS)}"
            )
        for member in members:
            member.previous_address = previous
            if landline and member.age >= 16 and (member.phone is None or rng.random() < 0.5):
                member.phone = landline
            if family_email and member.age >= 16 and rng.random() < 0.7:
                member.email = family_email

    def build(self) -> Population:
        kinds = [("single", 0.3), ("couple", 0.25), ("family", 0.37), ("sharers", 0.08)]
        while len(self.population.people) < self.target and len(self.free) > 2:
            kind = self.rng.choices([k for k, _ in kinds], weights=[w for _, w in kinds])[0]
            self.household_of(kind)
        del self.population.people[self.target :]
        return self.population


def make_population(people: int, seed: int) -> Population:
    return _PopulationBuilder(random.Random(seed), people).build()


# --- sources -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class SourceSpec:
    """How one system holds people: who is in it, its columns and formats, how stale it is."""

    name: str
    file_format: str
    id_format: str  # str.format with {n}
    date_format: str | None
    name_style: str  # "LAST, First" | "First Last" | "parts" | "parts_forenames"
    columns: dict[str, str]  # schema field -> column name
    coverage: float  # share of eligible people present
    min_age: int = 18
    max_age: int = 200
    one_per_household: bool = False
    stale: float = 0.05  # share of movers still at their old address
    maiden: float = 0.1  # share of married women still under their maiden name
    missing: dict[str, float] = field(default_factory=dict)
    with_title: bool = False
    address_columns: int = 2  # address split over this many columns (1: one line)
    uprn_missing: float = 0.0  # share of records whose UPRN column is empty
    last_seen_column: str = "last_updated"  # when the system last saw the person


SOURCES: tuple[SourceSpec, ...] = (
    SourceSpec(
        name="council_tax",
        file_format="csv",
        id_format="CT{n:08d}",
        date_format="%d/%m/%Y",
        name_style="LAST, First",
        with_title=True,
        columns={
            "source_id": "Account Ref",
            "uprn": "UPRN",
            "full_name": "Account Name",
            "dob": "DOB",
            "address": "Property Address",
            "postcode": "Post Code",
            "phone": "Contact Tel",
            "email": "Contact Email",
        },
        coverage=0.95,
        stale=0.02,
        maiden=0.05,
        missing={"dob": 0.3, "phone": 0.3, "email": 0.4},
        address_columns=2,
        uprn_missing=0.25,
        last_seen_column="Last Bill Date",
    ),
    SourceSpec(
        name="housing",
        file_format="csv",
        id_format="HSG-{n:06d}",
        date_format="%Y-%m-%d",
        name_style="parts",
        columns={
            "source_id": "tenant_ref",
            "first_name": "forename",
            "last_name": "surname",
            "dob": "date_of_birth",
            "address": "address_line",
            "postcode": "post_code",
            "uprn": "uprn",
            "phone": "telephone",
            "ni_number": "ni_no",
            "sex": "gender",
        },
        coverage=0.3,
        min_age=0,
        stale=0.1,
        maiden=0.15,
        missing={"phone": 0.2, "ni_number": 0.3, "uprn": 0.1},
        address_columns=1,
    ),
    SourceSpec(
        name="waste",
        file_format="csv",
        id_format="GW{n:07d}",
        date_format=None,
        name_style="First Last",
        columns={
            "source_id": "Customer No",
            "full_name": "Customer Name",
            "address": "Address",
            "postcode": "Postcode",
            "email": "Email",
            "phone": "Phone",
        },
        coverage=0.35,
        one_per_household=True,
        stale=0.3,
        maiden=0.2,
        missing={"phone": 0.4, "email": 0.2},
        address_columns=1,
    ),
    SourceSpec(
        name="parking",
        file_format="csv",
        id_format="PP/{n:05d}",
        date_format="%d %b %Y",
        name_style="parts",
        columns={
            "source_id": "Permit Holder ID",
            "first_name": "First Name",
            "last_name": "Last Name",
            "dob": "Date of Birth",
            "address": "Address",
            "postcode": "Postcode",
            "phone": "Mobile",
            "email": "Email",
        },
        coverage=0.35,
        min_age=17,
        stale=0.25,
        maiden=0.2,
        missing={"dob": 0.1, "phone": 0.2, "email": 0.1},
        address_columns=1,
    ),
    SourceSpec(
        name="adult_social_care",
        file_format="parquet",
        id_format="{n:07d}",
        date_format="%d-%m-%y",
        name_style="parts_forenames",
        columns={
            "source_id": "PersonID",
            "first_name": "Forenames",
            "last_name": "Surname",
            "dob": "DOB",
            "sex": "Gender",
            "address": "Address",
            "postcode": "Postcode",
            "phone": "Telephone",
            "ni_number": "NINO",
        },
        coverage=0.35,
        min_age=60,
        stale=0.15,
        maiden=0.3,
        missing={"phone": 0.3, "ni_number": 0.4},
        address_columns=1,
    ),
    SourceSpec(
        name="electoral_register",
        file_format="parquet",
        id_format="ER{n:06d}",
        date_format="%Y-%m-%d",
        name_style="parts",
        columns={
            "source_id": "elector_number",
            "uprn": "property_uprn",
            "first_name": "first_name",
            "middle_names": "middle_names",
            "last_name": "surname",
            "dob": "attainer_dob",
            "address": "address",
            "postcode": "postcode",
        },
        coverage=0.85,
        min_age=17,
        stale=0.05,
        maiden=0.05,
        missing={"dob": 0.6},
        address_columns=1,
        uprn_missing=0.5,
        last_seen_column="canvass_date",
    ),
    SourceSpec(
        name="benefits",
        file_format="csv",
        id_format="HB{n:09d}",
        date_format="%d.%m.%Y",
        name_style="First Last",
        with_title=True,
        columns={
            "source_id": "Claim Ref",
            "full_name": "Claimant",
            "dob": "Date Of Birth",
            "ni_number": "NI Number",
            "address": "Address",
            "postcode": "Postcode",
            "phone": "Phone",
        },
        coverage=0.2,
        stale=0.1,
        maiden=0.1,
        missing={"phone": 0.3},
        address_columns=1,
    ),
    SourceSpec(
        name="borough_residents",
        file_format="csv",
        id_format="{n}",
        date_format="%Y-%m-%d",
        name_style="parts",
        columns={
            "source_id": "id",
            "first_name": "first_name",
            "last_name": "last_name",
            "dob": "date_of_birth",
            "email": "email",
            "phone": "phone",
            "address": "address",
            "postcode": "postcode",
        },
        coverage=0.4,
        stale=0.05,
        maiden=0.05,
        missing={"dob": 0.5, "phone": 0.3},
        address_columns=1,
    ),
)

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
    values["phone"] = person.phone
    if person.other_phone and rng.random() < 0.4:
        values["phone"] = person.other_phone
    if values["phone"] and rng.random() < 0.5:
        national = "0" + values["phone"][3:]
        values["phone"] = f"{national[:5]} {national[5:]}"
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
        import pyarrow as pa
        import pyarrow.parquet as pq

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


def generate(*, people: int, sources: int, seed: int, out: str | Path) -> GenerateSummary:
    """Write ``sources`` extracts (CSV or Parquet, each with its YAML mapping) and truth.csv."""
    if not 1 <= sources <= len(SOURCES):
        raise ValueError(f"sources must be between 1 and {len(SOURCES)}")
    if people < 1:
        raise ValueError("people must be at least 1")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    population = make_population(people, seed)
    truth_rows, counts, mappings = [], {}, []
    for index, spec in enumerate(SOURCES[:sources]):
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
    gazetteer = write_gazetteer(population, out / "gazetteer.csv")
    return GenerateSummary(
        people=len(population.people),
        records_by_source=counts,
        mappings=mappings,
        truth=truth,
        gazetteer=gazetteer,
    )
