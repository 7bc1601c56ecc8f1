"""The demo borough: a realistic, reproducible synthetic council area with a year of activity.

Everything comes from one ``random.Random(seed)``, so the same ``--residents`` and ``--seed``
always give the same borough. Rows are written in large batches (``fast_insert``) inside one
transaction: 100,000 residents take well under two minutes on SQLite (see docs/benchmarks.md).

Answers are made from each service's form definition and follow its routing, so every demo case
passes the same validation as a real one (a test re-checks a sample).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from borough.accounts.mfa import authenticator_app_add
from borough.accounts.models import Membership, Role, Team, User
from borough.accounts.services import email_mark_verified
from borough.cases.models import Case, CaseEvent, Priority, Resolution, Status
from borough.cases.references import ALPHABET
from borough.cases.response_templates import response_templates_seed
from borough.catalogue.answers import Exit, next_step
from borough.catalogue.definitions import CHECK_ANSWERS, Question
from borough.catalogue.models import Service
from borough.catalogue.services import catalogue_load
from borough.contacts.models import Contact, FormSession
from borough.core.channels import Channel
from borough.core.working_days import add_working_days
from borough.people.models import ConsentBasis, Household, Need, Resident, ResidentNeed
from borough.places.models import (
    CollectionSchedule,
    Property,
    Street,
    Ward,
    WasteStream,
    build_search_text,
)
from borough.places.postcodes import postcode_key

from . import names
from .fast_insert import fast_insert

BATCH = 5000
DEMO_PASSWORD = "borough-demo-2026"  # noqa: S105 - demo accounts only, printed by `make run`
# Demo staff's authenticator app secret (base32): `manage.py demo_totp_code EMAIL` shows the code.
DEMO_TOTP_SECRET = "MJXXE33VM5UC2ZDFNVXS25DPORYC2MRQ"  # noqa: S105 - demo accounts only
CENTRE = (51.5400, -0.4600)

# Share of contacts by channel for requests, from the profile of a London borough moving online.
REQUEST_CHANNELS = (
    (Channel.WEB, 0.56),
    (Channel.PHONE, 0.28),
    (Channel.EMAIL, 0.07),
    (Channel.FACE_TO_FACE, 0.04),
    (Channel.CHAT, 0.04),
    (Channel.LETTER, 0.01),
)
ENQUIRY_CHANNELS = (
    (Channel.PHONE, 0.55),
    (Channel.WEB, 0.15),
    (Channel.EMAIL, 0.15),
    (Channel.FACE_TO_FACE, 0.08),
    (Channel.CHAT, 0.06),
    (Channel.LETTER, 0.01),
)
# Relative demand for each service; anything not listed gets weight 1.
SERVICE_WEIGHTS = {
    "report-missed-bin": 14,
    "report-fly-tipping": 8,
    "request-new-bin": 6,
    "report-pothole": 5,
    "book-bulky-waste-collection": 5,
    "report-housing-repair": 6,
    "report-noise": 4,
    "report-street-light-fault": 3,
    "apply-for-resident-parking-permit": 4,
    "tell-us-you-have-moved": 4,
    "subscribe-to-garden-waste": 4,
    "report-litter": 3,
    "report-graffiti": 2,
    "request-pest-control": 2,
    "report-dog-fouling": 2,
}

DEMO_RESIDENT_EMAIL = "resident@example.com"

DEMO_STAFF = (
    # email, first, last, team slug, role, superuser
    ("admin@council.example", "Ada", "Admin", "customer-experience", Role.ADMIN, True),
    ("agent@council.example", "Amir", "Agent", "customer-experience", Role.AGENT, False),
    ("waste.officer@council.example", "Olu", "Officer", "waste", Role.OFFICER, False),
    ("highways.officer@council.example", "Hana", "Officer", "highways", Role.OFFICER, False),
    ("housing.officer@council.example", "Harry", "Officer", "housing-repairs", Role.OFFICER, False),
    ("waste.lead@council.example", "Lena", "Lead", "waste", Role.TEAM_LEAD, False),
    ("data.officer@council.example", "Dev", "Data", "data", Role.OFFICER, False),
)


def _weighted(rng: random.Random, pairs) -> str:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


@dataclass
class Summary:
    wards: int = 0
    streets: int = 0
    properties: int = 0
    households: int = 0
    residents: int = 0
    cases: int = 0
    events: int = 0
    contacts: int = 0
    form_sessions: int = 0
    staff: list[str] = field(default_factory=list)
    resident_account: str = ""


class DemoBorough:
    def __init__(
        self,
        *,
        residents: int,
        seed: int,
        today: dt.date | None = None,
        progress: Callable[[str], None] | None = None,
    ):
        self.target = residents
        self.rng = random.Random(seed)
        self.today = today or timezone.localdate()
        self.progress = progress or (lambda message: None)
        self.summary = Summary()
        self.tz = timezone.get_current_timezone()
        self.now = timezone.now()

    # --- places ---------------------------------------------------------------------------
    def _places(self) -> list[Property]:
        rng = self.rng
        wards = [Ward(code=code, name=name) for code, name in names.WARDS]
        Ward.objects.bulk_create(wards)
        wards = list(Ward.objects.order_by("code"))
        households_needed = math.ceil(self.target / 2.6)
        properties_needed = math.ceil(households_needed * 1.04)
        street_count = max(3, math.ceil(properties_needed / 45))
        combos = [(w, s) for w in names.STREET_WORDS for s in names.STREET_SUFFIXES]
        rng.shuffle(combos)
        streets, used_postcodes = [], set()
        ward_centres = {
            ward.code: (CENTRE[0] + rng.uniform(-0.05, 0.05), CENTRE[1] + rng.uniform(-0.08, 0.08))
            for ward in wards
        }
        street_meta = {}
        for index in range(street_count):
            word, suffix = combos[index % len(combos)]
            town = names.TOWNS[index % len(names.TOWNS)]
            name = f"{word} {suffix}"
            locality = (
                ""
                if index < len(combos)
                else rng.choice(["North", "South", "East", "West", "Upper", "Lower"]) + f" {town}"
            )
            usrn = 20700000 + index
            streets.append(Street(usrn=usrn, name=name, locality=locality, town=town))
            ward = wards[index % len(wards)]
            lat, lng = ward_centres[ward.code]
            street_meta[usrn] = (
                ward,
                lat + rng.uniform(-0.01, 0.01),
                lng + rng.uniform(-0.015, 0.015),
            )
        Street.objects.bulk_create(streets, batch_size=BATCH)
        CollectionSchedule.objects.bulk_create(self._rounds(streets), batch_size=BATCH)
        properties: list[Property] = []
        uprn = 100021000000
        per_street = max(1, math.ceil(properties_needed / street_count))
        for street in streets:
            ward, lat, lng = street_meta[street.usrn]
            district = rng.choice(names.POSTCODE_DISTRICTS[street.town])
            postcode = None
            number, in_postcode = 0, 99
            while len(properties) < properties_needed and number < per_street:
                if in_postcode >= rng.randint(12, 20):
                    while True:
                        postcode = (
                            f"{district} {rng.randint(1, 9)}"
                            f"{rng.choice(names.POSTCODE_UNIT_LETTERS)}"
                            f"{rng.choice(names.POSTCODE_UNIT_LETTERS)}"
                        )
                        if postcode not in used_postcodes:
                            used_postcodes.add(postcode)
                            break
                    in_postcode = 0
                number += 1
                is_block = rng.random() < 0.06
                flats = rng.randint(4, 12) if is_block else 1
                block = f"{rng.choice(names.STREET_WORDS)} {rng.choice(names.BLOCK_NAMES)}"
                for flat in range(1, flats + 1):
                    uprn += 1
                    sao = f"Flat {flat}" if is_block else ""
                    pao = f"{block} {number}" if is_block else str(number)
                    offset = number * 0.00012
                    properties.append(
                        Property(
                            uprn=uprn,
                            usrn_id=street.usrn,
                            sao=sao,
                            pao=str(number) if not is_block else pao,
                            locality=street.locality,
                            town=street.town,
                            postcode=postcode,
                            postcode_key=postcode_key(postcode),
                            latitude=Decimal(f"{lat + offset:.6f}"),
                            longitude=Decimal(f"{lng + offset:.6f}"),
                            ward=ward,
                            classification="RD06"
                            if is_block
                            else rng.choice(["RD02", "RD03", "RD04"]),
                            is_current=True,
                            search_text=build_search_text(
                                sao=sao,
                                pao=pao,
                                street=street.name,
                                locality=street.locality,
                                town=street.town,
                                postcode=postcode,
                            ),
                        )
                    )
                    in_postcode += 1
        fast_insert(properties)
        self.summary.wards, self.summary.streets = len(wards), len(streets)
        self.summary.properties = len(properties)
        self.progress(f"{len(properties):,} properties on {len(streets):,} streets")
        return properties

    # --- people ---------------------------------------------------------------------------
    def _rounds(self, streets: list[Street]) -> list[CollectionSchedule]:
        """Bin rounds: each street has a weekday; general waste and recycling on alternate
        weeks, food waste weekly, garden waste fortnightly. Made without the random generator
        so the rest of the borough stays the same for a seed."""
        today = timezone.localdate()
        week_a = today - dt.timedelta(days=today.weekday()) - dt.timedelta(weeks=10)
        rounds = []
        for index, street in enumerate(streets):
            weekday = index % 5
            first = week_a + dt.timedelta(days=weekday)
            alternate = first + dt.timedelta(weeks=1)
            for stream, every, start in (
                (WasteStream.GENERAL, 2, first if index % 2 else alternate),
                (WasteStream.RECYCLING, 2, alternate if index % 2 else first),
                (WasteStream.FOOD, 1, first),
                (WasteStream.GARDEN, 2, first),
            ):
                rounds.append(
                    CollectionSchedule(
                        street_id=street.usrn,
                        stream=stream,
                        weekday=weekday,
                        every_weeks=every,
                        first_date=start,
                    )
                )
        return rounds

    def _person(self, last_name: str, age: int) -> Resident:
        rng = self.rng
        female = rng.random() < 0.51
        first = rng.choice(names.FIRST_NAMES_FEMALE if female else names.FIRST_NAMES_MALE)
        born = self.today - dt.timedelta(days=age * 365 + rng.randint(0, 364))
        email = ""
        if age >= 16 and rng.random() < 0.72:
            local = f"{first}.{last_name}".lower().replace("'", "")
            email = f"{local}{rng.randint(1, 999)}@{rng.choice(names.EMAIL_DOMAINS)}"
        phone = ""
        if age >= 14 and rng.random() < 0.62:
            phone = f"{rng.choice(names.PHONE_PREFIXES)}{rng.randint(0, 999):03d}"
        return Resident(
            first_name=first,
            last_name=last_name,
            date_of_birth=born,
            email=email,
            phone=phone,
            preferred_language=_weighted(rng, names.LANGUAGES),
        )

    def _people(self, properties: list[Property]) -> tuple[list[Resident], dict[int, int]]:
        rng = self.rng
        occupied = [p for p in properties if rng.random() < 0.965]
        households = [
            Household(property=prop, moved_in=self.today - dt.timedelta(days=rng.randint(30, 9000)))
            for prop in occupied
        ]
        residents: list[Resident] = []
        sizes = []
        remaining = self.target
        for index in range(len(households)):
            left = len(households) - index
            if remaining <= 0:
                break
            size = min(remaining, rng.choices([1, 2, 3, 4, 5, 6], [30, 33, 16, 13, 6, 2])[0])
            if left == 1:
                size = remaining
            sizes.append(size)
            remaining -= size
        households = households[: len(sizes)]
        fast_insert(households)
        home_of: dict[int, int] = {}
        for household, size in zip(households, sizes, strict=True):
            family = rng.choice(names.LAST_NAMES)
            adult_age = rng.randint(19, 88)
            for member in range(size):
                if member == 0:
                    age = adult_age
                elif member == 1 and size > 1:
                    age = max(18, adult_age + rng.randint(-6, 6))
                else:
                    age = rng.randint(0, max(1, min(adult_age - 18, 30)))
                last = (
                    family if member == 0 or rng.random() < 0.85 else rng.choice(names.LAST_NAMES)
                )
                person = self._person(last, age)
                person.household = household
                residents.append(person)
        fast_insert(residents)
        for person in residents:
            home_of[person.pk] = person.household.property_id
        consent_at = timezone.now()
        needs = [
            ResidentNeed(
                resident=person,
                need=rng.choice(Need.values),
                consent_basis=ConsentBasis.EXPLICIT_CONSENT,
                consent_recorded_at=consent_at,
            )
            for person in residents
            if rng.random() < 0.04
        ]
        fast_insert(needs)
        self.summary.households, self.summary.residents = len(households), len(residents)
        self.progress(f"{len(residents):,} residents in {len(households):,} households")
        return residents, home_of

    # --- staff ----------------------------------------------------------------------------
    def _staff(self) -> dict[str, User]:
        teams = {team.slug: team for team in Team.objects.all()}
        staff = {}
        # One hash for every demo account: password hashing is deliberately slow.
        hashed = make_password(DEMO_PASSWORD)
        for email, first, last, team_slug, role, superuser in DEMO_STAFF:
            user = User.objects.create(
                email=email,
                password=hashed,
                first_name=first,
                last_name=last,
                kind=User.Kind.STAFF,
                is_staff=superuser,
                is_superuser=superuser,
            )
            Membership.objects.create(user=user, team=teams[team_slug], role=role)
            email_mark_verified(user=user)
            authenticator_app_add(user=user, secret=DEMO_TOTP_SECRET)
            staff[email] = user
            self.summary.staff.append(f"{email} ({Role(role).label.lower()}, {teams[team_slug]})")
        return staff

    # --- answers --------------------------------------------------------------------------
    def _answer(
        self, question: Question, *, prop: Property, resident: Resident | None, created: dt.date
    ):
        rng = self.rng
        kind = question.type
        if not question.required and rng.random() < 0.4:
            return None
        if kind == "address":
            return prop.uprn
        if kind == "location":
            if rng.random() < 0.5:
                return {"uprn": prop.uprn, "description": rng.choice(names.TEXT_SNIPPETS)}
            return {"usrn": prop.usrn_id, "description": f"Outside number {prop.pao}"}
        if kind == "date":
            # Dates are relative to the day the request was made, within what the form allows.
            if question.allow == "future":
                return (
                    created + dt.timedelta(days=rng.randint(1, question.max_days_ahead or 30))
                ).isoformat()
            back = min(question.max_days_past or 30, 30)
            if question.allow == "past":
                return (created - dt.timedelta(days=rng.randint(0, back))).isoformat()
            return (created + dt.timedelta(days=rng.randint(0, 7))).isoformat()
        if kind == "number":
            low = int(question.min if question.min is not None else 1)
            high = int(question.max if question.max is not None else low + 5)
            return rng.randint(low, max(low, min(high, low + 5)))
        if kind == "selection":
            options = [o.value for o in question.options]
            if question.multiple:
                return sorted(
                    rng.sample(options, rng.randint(1, min(2, len(options)))), key=options.index
                )
            return rng.choice(options)
        if kind == "email":
            return resident.email if resident and resident.email else "resident@example.com"
        if kind == "name":
            return resident.full_name if resident else "A Resident"
        if kind == "phone":
            return resident.phone if resident and resident.phone else "+447700900123"
        if kind == "file":
            return None
        if "registration" in question.id:
            letters = "ABCDEFGHJKLMNOPRSTUVWXY"
            return (
                f"{rng.choice(letters)}{rng.choice(letters)}{rng.randint(10, 75)} "
                f"{''.join(rng.choice(letters) for _ in range(3))}"
            )
        text = rng.choice(names.TEXT_SNIPPETS)
        if "make" in question.id:
            text = rng.choice(names.VEHICLES)
        return text[: question.max_length].ljust(question.min_length, ".")

    def _answers(self, service: Service, *, prop, resident, created) -> dict | None:
        """Answers that follow the form's routing to check-answers, or None if none found."""
        form = service.form
        for _ in range(10):
            answers = {}
            current = form.first.id
            ok = True
            while current != CHECK_ANSWERS:
                question = form.by_id[current]
                value = self._answer(question, prop=prop, resident=resident, created=created)
                if value is None and question.required:
                    ok = False
                    break
                answers[question.id] = value
                step = next_step(form, question, value)
                if isinstance(step, Exit):
                    ok = False
                    break
                current = step
            if ok:
                return answers
        return None

    # --- a year of activity ---------------------------------------------------------------
    def _moment(self, day: dt.date) -> dt.datetime:
        rng = self.rng
        hour = rng.choices(
            range(24),
            weights=[
                1,
                1,
                1,
                1,
                1,
                2,
                4,
                8,
                12,
                14,
                14,
                13,
                12,
                13,
                13,
                12,
                11,
                10,
                9,
                8,
                6,
                4,
                3,
                2,
            ],
        )[0]
        return dt.datetime(
            day.year,
            day.month,
            day.day,
            hour,
            rng.randint(0, 59),
            rng.randint(0, 59),
            tzinfo=self.tz,
        )

    def _day(self) -> dt.date:
        rng = self.rng
        while True:
            day = self.today - dt.timedelta(days=rng.randint(0, 364))
            if day.weekday() < 5 or rng.random() < 0.45:
                return day

    def _reference(self, used: set[str]) -> str:
        while True:
            chars = "".join(self.rng.choice(ALPHABET) for _ in range(8))
            reference = f"{chars[:4]}-{chars[4:]}"
            if reference not in used:
                used.add(reference)
                return reference

    def _activity(
        self,
        residents: list[Resident],
        home_of: dict[int, int],
        properties: list[Property],
        staff: dict[str, User],
    ) -> None:
        rng = self.rng
        services = [
            s
            for s in Service.objects.filter(is_online=True).select_related("team")
            if not any(q.type == "file" and q.required for q in s.form.questions)
        ]
        weights = [SERVICE_WEIGHTS.get(s.slug, 1) for s in services]
        property_by_uprn = {p.uprn: p for p in properties}
        officers = {
            m.team_id: m.user
            for m in Membership.objects.select_related("user")
            if m.role == Role.OFFICER
        }
        agent = staff["agent@council.example"]
        case_count = int(len(residents) * 0.45)
        references: set[str] = set()
        cases, plans = [], []
        for _ in range(case_count):
            service = rng.choices(services, weights=weights)[0]
            resident = rng.choice(residents) if rng.random() < 0.8 else None
            prop = property_by_uprn[home_of[resident.pk]] if resident else rng.choice(properties)
            day = self._day()
            answers = self._answers(service, prop=prop, resident=resident, created=day)
            if answers is None:
                continue
            created = self._moment(day)
            channel = _weighted(rng, REQUEST_CHANNELS)
            age_days = (self.today - day).days
            due = add_working_days(day, service.sla_working_days)
            closed_at = None
            if age_days > 2 and rng.random() < min(0.97, 0.35 + age_days / 30):
                turnaround = rng.expovariate(1 / max(1, service.sla_working_days * 1.2))
                closed_at = created + dt.timedelta(days=turnaround, hours=rng.randint(1, 8))
                if closed_at > self.now:
                    closed_at = None
            status = (
                Status.CLOSED
                if closed_at
                else rng.choice(
                    [Status.NEW, Status.IN_PROGRESS, Status.IN_PROGRESS, Status.WAITING]
                )
            )
            location = service.form.location_question
            street_id = prop.usrn_id
            on_property = True
            description = ""
            if location is not None and location.type == "location":
                value = answers.get(location.id) or {}
                on_property = bool(value.get("uprn"))
                description = value.get("description", "")
            assisted = channel in {Channel.PHONE, Channel.FACE_TO_FACE}
            cases.append(
                Case(
                    reference=self._reference(references),
                    service=service,
                    team=service.team,
                    status=status,
                    resolution=rng.choice(
                        [Resolution.FIXED] * 8
                        + [Resolution.NO_ACTION, Resolution.DUPLICATE, Resolution.REFERRED]
                    )
                    if closed_at
                    else "",
                    priority=rng.choices(
                        [Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT],
                        [10, 75, 12, 3],
                    )[0],
                    channel=channel,
                    answers=answers,
                    resident=resident,
                    property=prop if on_property else None,
                    street_id=street_id,
                    ward_id=prop.ward_id,
                    latitude=prop.latitude,
                    longitude=prop.longitude,
                    location_description=description,
                    assignee=officers.get(service.team_id) if status != Status.NEW else None,
                    assisted_by=agent if assisted else None,
                    due_date=due,
                    created_at=created,
                    updated_at=closed_at or created,
                    closed_at=closed_at,
                )
            )
            # The service's workflow decides the state (and so the status it maps to).
            state = service.flow.state_for_status(status, cases[-1].resolution)
            cases[-1].state, cases[-1].status = state.key, state.status
            if state.resolution:
                cases[-1].resolution = state.resolution
            plans.append((channel, assisted, resident))
        fast_insert(cases)
        self.summary.cases = len(cases)
        self.progress(f"{len(cases):,} cases")

        events, contacts, sessions = [], [], []
        for case, (channel, assisted, resident) in zip(cases, plans, strict=True):
            events.append(
                CaseEvent(
                    case=case,
                    at=case.created_at,
                    kind=CaseEvent.Kind.CREATED,
                    is_public=True,
                    data={"channel": channel},
                    actor=case.assisted_by,
                    text="Your request was received.",
                )
            )
            if case.status != Status.NEW:
                started = case.created_at + dt.timedelta(hours=rng.randint(1, 30))
                started = min(started, case.closed_at or self.now)
                events.append(
                    CaseEvent(
                        case=case,
                        at=started,
                        kind=CaseEvent.Kind.STATUS_CHANGED,
                        actor=case.assignee,
                        is_public=True,
                        data={"from": Status.NEW, "to": Status.IN_PROGRESS},
                    )
                )
            if case.closed_at:
                events.append(
                    CaseEvent(
                        case=case,
                        at=case.closed_at,
                        kind=CaseEvent.Kind.STATUS_CHANGED,
                        actor=case.assignee,
                        is_public=True,
                        text="This request has been dealt with.",
                        data={
                            "from": Status.IN_PROGRESS,
                            "to": Status.CLOSED,
                            "resolution": case.resolution,
                        },
                    )
                )
            contacts.append(
                Contact(
                    channel=channel,
                    started_at=case.created_at,
                    resident=resident,
                    case=case,
                    service_id=case.service_id,
                    handled_by=case.assisted_by,
                    reason=case.service.name,
                    outcome=Contact.Outcome.REQUEST_RAISED,
                    duration_seconds=rng.randint(180, 900) if assisted else None,
                )
            )
            if channel == Channel.WEB:
                sessions.append(
                    FormSession(
                        service_id=case.service_id,
                        channel=channel,
                        started_at=case.created_at - dt.timedelta(minutes=4),
                        completed_at=case.created_at,
                        case=case,
                        outcome=FormSession.Outcome.SUBMITTED,
                    )
                )
            # Failure demand: some residents chase an open request by phone within a week.
            if resident and rng.random() < 0.09:
                chase = case.created_at + dt.timedelta(days=rng.uniform(1, 7))
                if chase <= self.now:
                    contacts.append(
                        Contact(
                            channel=Channel.PHONE,
                            started_at=chase,
                            resident=resident,
                            case=case,
                            service_id=case.service_id,
                            handled_by=agent,
                            reason="Chasing progress",
                            outcome=Contact.Outcome.UPDATE_GIVEN,
                            duration_seconds=rng.randint(120, 600),
                        )
                    )
        # Forms started online and left, or ended at an exit page.
        for _ in range(int(len(sessions) * 0.28)):
            service = rng.choices(services, weights=weights)[0]
            started = self._moment(self._day())
            not_eligible = rng.random() < 0.2
            sessions.append(
                FormSession(
                    service=service,
                    channel=Channel.WEB,
                    started_at=started,
                    completed_at=started + dt.timedelta(minutes=2) if not_eligible else None,
                    outcome=FormSession.Outcome.NOT_ELIGIBLE
                    if not_eligible
                    else FormSession.Outcome.IN_PROGRESS,
                )
            )
        # Questions answered without a request (opening times, council tax balance, ...).
        for _ in range(int(len(residents) * 0.35)):
            channel = _weighted(rng, ENQUIRY_CHANNELS)
            staffed = channel not in {Channel.WEB, Channel.CHAT}
            contacts.append(
                Contact(
                    channel=channel,
                    started_at=self._moment(self._day()),
                    resident=rng.choice(residents),
                    handled_by=agent if staffed else None,
                    service=rng.choices(services, weights=weights)[0],
                    reason="General enquiry",
                    outcome=Contact.Outcome.ANSWERED,
                    duration_seconds=rng.randint(60, 720) if staffed else None,
                )
            )
        fast_insert(events)
        fast_insert(contacts)
        fast_insert(sessions)
        self.summary.events, self.summary.contacts = len(events), len(contacts)
        self.summary.form_sessions = len(sessions)
        self.progress(
            f"{len(events):,} timeline events, {len(contacts):,} contacts, "
            f"{len(sessions):,} form sessions"
        )

    def build(self) -> Summary:
        catalogue_load()
        response_templates_seed()
        with transaction.atomic():
            properties = self._places()
            residents, home_of = self._people(properties)
            staff = self._staff()
            self._activity(residents, home_of, properties, staff)
            self._resident_account()
        return self.summary

    # --- a resident who can sign in to MyAccount --------------------------------------------
    def _resident_account(self) -> None:
        """Give the resident at home with the most requests a verified MyAccount sign-in, so the
        demo's MyAccount has requests, a property and bin days to show."""
        from django.db.models import Count

        busiest = (
            Case.objects.filter(resident__household__isnull=False)
            .values("resident")
            .annotate(requests=Count("id"))
            .order_by("-requests", "resident")
            .first()
        )
        if busiest is None:
            return
        resident = Resident.objects.get(pk=busiest["resident"])
        user = User.objects.create(
            email=DEMO_RESIDENT_EMAIL,
            password=make_password(DEMO_PASSWORD),
            first_name=resident.first_name,
            last_name=resident.last_name,
            kind=User.Kind.RESIDENT,
        )
        email_mark_verified(user=user)
        Resident.objects.filter(pk=resident.pk).update(user=user, email=DEMO_RESIDENT_EMAIL)
        self.summary.resident_account = (
            f"{DEMO_RESIDENT_EMAIL} ({resident.first_name} {resident.last_name}, "
            f"{busiest['requests']} requests)"
        )


def database_is_empty() -> bool:
    return not Property.objects.exists() and not Case.objects.exists()


def generate(*, residents: int, seed: int, progress=None) -> Summary:
    """Make the demo borough in an empty database. Raises ``ValueError`` if it is not empty."""
    if residents < 10:
        raise ValueError("The demo borough needs at least 10 residents")
    if not database_is_empty():
        raise ValueError(
            "The database already has places or cases; the demo borough is only "
            "made in an empty database"
        )
    return DemoBorough(residents=residents, seed=seed, progress=progress).build()
