"""The demo borough's people: residents in households at the properties, with their needs; the
demo staff with their sign-ins; and a resident who can sign in to MyAccount."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.hashers import make_password
from django.db.models import Count
from django.utils import timezone

from borough.accounts.mfa import authenticator_app_add
from borough.accounts.models import Membership, Role, Team, User
from borough.accounts.services import email_mark_verified
from borough.cases.models import Case
from borough.linkage import wordlists
from borough.people.models import ConsentBasis, Household, Need, Resident, ResidentNeed
from borough.places.models import Property

from . import names
from .context import Demo, weighted
from .fast_insert import fast_insert

DEMO_PASSWORD = "borough-demo-2026"  # noqa: S105 - demo accounts only, printed by `make run`
# Demo staff's authenticator app secret (base32): `manage.py demo_totp_code EMAIL` shows the code.
DEMO_TOTP_SECRET = "MJXXE33VM5UC2ZDFNVXS25DPORYC2MRQ"  # noqa: S105 - demo accounts only
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
    # Information governance (issue 23): subject access, rectification, objection, the register.
    (
        "information.officer@council.example",
        "Ines",
        "Information",
        "complaints-and-information",
        Role.OFFICER,
        False,
    ),
    ("finance.officer@council.example", "Fola", "Finance", "finance", Role.OFFICER, False),
    ("directory.officer@council.example", "Dina", "Directory", "directory", Role.OFFICER, False),
    # Digital inclusion (issue 26): decides nominations, lends devices, runs skills sessions.
    (
        "inclusion.officer@council.example",
        "Ife",
        "Inclusion",
        "digital-inclusion",
        Role.OFFICER,
        False,
    ),
)


def _person(demo: Demo, last_name: str, age: int) -> Resident:
    rng = demo.rng
    female = rng.random() < 0.51
    first = rng.choice(wordlists.FIRST_NAMES_FEMALE if female else wordlists.FIRST_NAMES_MALE)
    born = demo.today - dt.timedelta(days=age * 365 + rng.randint(0, 364))
    email = ""
    if age >= 16 and rng.random() < 0.72:
        local = f"{first}.{last_name}".lower().replace("'", "")
        email = f"{local}{rng.randint(1, 999)}@{rng.choice(wordlists.EMAIL_DOMAINS)}"
    phone = ""
    if age >= 14 and rng.random() < 0.62:
        phone = f"{rng.choice(wordlists.PHONE_PREFIXES)}{rng.randint(0, 999):03d}"
    return Resident(
        first_name=first,
        last_name=last_name,
        date_of_birth=born,
        email=email,
        phone=phone,
        preferred_language=weighted(rng, names.LANGUAGES),
    )


def make_people(demo: Demo, properties: list[Property]) -> tuple[list[Resident], dict[int, int]]:
    rng = demo.rng
    occupied = [p for p in properties if rng.random() < 0.965]
    households = [
        Household(property=prop, moved_in=demo.today - dt.timedelta(days=rng.randint(30, 9000)))
        for prop in occupied
    ]
    residents: list[Resident] = []
    sizes = []
    remaining = demo.target
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
        family = rng.choice(wordlists.LAST_NAMES)
        adult_age = rng.randint(19, 88)
        for member in range(size):
            if member == 0:
                age = adult_age
            elif member == 1 and size > 1:
                age = max(18, adult_age + rng.randint(-6, 6))
            else:
                age = rng.randint(0, max(1, min(adult_age - 18, 30)))
            last = (
                family if member == 0 or rng.random() < 0.85 else rng.choice(wordlists.LAST_NAMES)
            )
            person = _person(demo, last, age)
            person.household = household
            residents.append(person)
    fast_insert(residents)
    for person in residents:
        assert person.household is not None  # set above
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
    demo.summary.households, demo.summary.residents = len(households), len(residents)
    demo.progress(f"{len(residents):,} residents in {len(households):,} households")
    return residents, home_of


def make_staff(demo: Demo) -> dict[str, User]:
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
        demo.summary.staff.append(f"{email} ({Role(role).label.lower()}, {teams[team_slug]})")
    return staff


def make_resident_account(demo: Demo) -> None:
    """Give the resident at home with the most requests a verified MyAccount sign-in, so the
    demo's MyAccount has requests, a property and bin days to show."""
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
    demo.summary.resident_account = (
        f"{DEMO_RESIDENT_EMAIL} ({resident.first_name} {resident.last_name}, "
        f"{busiest['requests']} requests)"
    )
