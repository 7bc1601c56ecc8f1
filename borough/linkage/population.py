"""The invented population the linkage generator writes extracts about: people in households at
addresses, with the hard cases real data has (twins, maiden names, movers, a family's shared email
and phone). Names and places come from ``wordlists``; nothing here is a real person."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from . import wordlists

TODAY = dt.date(2026, 11, 1)
#: Letters a National Insurance number's prefix may use.
NI_LETTERS = "ABCEGHJKLMNPRSTWXYZ"


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


def _addresses(rng: random.Random, count: int) -> list[Address]:
    combos = [
        (word, suffix) for word in wordlists.STREET_WORDS for suffix in wordlists.STREET_SUFFIXES
    ]
    rng.shuffle(combos)
    addresses: list[Address] = []
    used_postcodes: set[str] = set()
    uprn = 100021000000
    street_index = 0
    while len(addresses) < count:
        word, suffix = combos[street_index % len(combos)]
        town = wordlists.TOWNS[street_index % len(wordlists.TOWNS)]
        district = rng.choice(wordlists.POSTCODE_DISTRICTS[town])
        street_index += 1
        postcode, in_postcode = "", 99  # a postcode is chosen for the first number
        for number in range(1, rng.randint(20, 60)):
            if in_postcode >= rng.randint(10, 18):
                # A district has 9 x 20 x 20 unit postcodes: past about 200,000 people they run
                # out, so after some tries a used one is taken (two streets share a postcode)
                # rather than looping for ever.
                for _ in range(50):
                    postcode = (
                        f"{district} {rng.randint(1, 9)}"
                        f"{rng.choice(wordlists.POSTCODE_UNIT_LETTERS)}"
                        f"{rng.choice(wordlists.POSTCODE_UNIT_LETTERS)}"
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
        prefix = rng.choice(NI_LETTERS) + rng.choice(NI_LETTERS)
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
        prefixes = wordlists.PHONE_PREFIXES
        prefix = prefixes[(self.phone_serial // 1000) % len(prefixes)]
        return f"{prefix}{self.phone_serial % 1000:03d}"

    def person(self, *, sex=None, last_name=None, dob=None, address) -> Person:
        rng = self.rng
        sex = sex or rng.choice("fm")
        pool = wordlists.FIRST_NAMES_FEMALE if sex == "f" else wordlists.FIRST_NAMES_MALE
        middle = rng.choice(pool) if rng.random() < 0.4 else None
        person = Person(
            person_id=f"P{len(self.population.people) + 1:07d}",
            first_name=rng.choice(pool),
            middle_name=middle,
            last_name=last_name or rng.choice(wordlists.LAST_NAMES),
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
                domain = rng.choice(wordlists.EMAIL_DOMAINS)
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
        surname = rng.choice(wordlists.LAST_NAMES)
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
                second.maiden_name = rng.choice(wordlists.LAST_NAMES)
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
                                wordlists.FIRST_NAMES_FEMALE
                                if sex == "f"
                                else wordlists.FIRST_NAMES_MALE
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
                f"the{surname.lower()}s{rng.randint(1, 99)}@{rng.choice(wordlists.EMAIL_DOMAINS)}"
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
