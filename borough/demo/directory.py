"""The demo borough's community directory: a dozen local organisations and their services,
with places at real addresses of the demo gazetteer, and one representative's account."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.hashers import make_password

from borough.accounts.models import User
from borough.accounts.services import email_mark_verified
from borough.directory.models import (
    CostOption,
    Location,
    Organisation,
    Schedule,
    Service,
    TaxonomyTerm,
)
from borough.places.models import Property

from .context import Demo
from .people import DEMO_PASSWORD

DEMO_REPRESENTATIVE_EMAIL = "rep@foodbank.example"

#: code, name, words residents use for it
NEEDS = (
    ("food", "Food", "food bank, hungry, meals, groceries, pantry"),
    ("money-and-debt", "Money and debt advice", "debt, money, bills, benefits, budgeting"),
    ("mental-health", "Mental health and wellbeing", "mental health, anxiety, lonely, counselling"),
    ("older-people", "Older people", "elderly, pensioner, older, lunch club"),
    ("children-and-families", "Children and families", "children, parents, toddlers, family"),
    ("digital-skills", "Digital skills", "computer, internet, online, laptop, digital"),
    ("housing", "Housing and homelessness", "homeless, housing, eviction, rent"),
    ("carers", "Carers", "carer, caring, respite"),
)

#: organisation, description, website, [(service, description, needs, days, opens, closes,
#: cost, eligibility, minimum age, phone)]
ORGANISATIONS: tuple[tuple[str, str, str, list[tuple]], ...] = (
    (
        "Borough Community Food Bank",
        "A food bank run by local churches and volunteers.",
        "https://foodbank.example",
        [
            (
                "Emergency food parcels",
                "Three days of food for you and your family. Bring a voucher from Citizens "
                "Advice, your GP or the council, or ask us to help you get one.",
                ["food"],
                "MO,WE,FR",
                "10:00",
                "13:00",
                "",
                "Anyone in the borough in need",
                None,
                "020 7946 0101",
            ),
            (
                "Community pantry",
                "Choose ten items of food and household goods each week as a pantry member.",
                ["food"],
                "TU,TH",
                "14:00",
                "17:00",
                "£3.50 a week",
                "",
                18,
                "",
            ),
        ],
    ),
    (
        "Citizens Advice Borough",
        "Free, confidential advice on money, benefits, housing and work.",
        "https://citizensadvice.example",
        [
            (
                "Debt advice",
                "An adviser goes through your debts and bills with you and helps you "
                "make a plan, talk to creditors and apply for help.",
                ["money-and-debt"],
                "MO,TU,WE,TH",
                "09:30",
                "16:30",
                "",
                "",
                16,
                "020 7946 0102",
            ),
            (
                "Housing advice line",
                "Advice if you are worried about losing your home, rent arrears or repairs.",
                ["housing", "money-and-debt"],
                "",
                "",
                "",
                "",
                "",
                None,
                "0800 046 0103",
            ),
        ],
    ),
    (
        "Mind in the Borough",
        "A local mental health charity.",
        "https://mind.example",
        [
            (
                "Wellbeing drop-in",
                "Come for a cup of tea and talk to a trained listener. No appointment needed.",
                ["mental-health"],
                "WE",
                "11:00",
                "15:00",
                "",
                "",
                18,
                "",
            ),
            (
                "Talking therapies for young people",
                "Six free counselling sessions for young people.",
                ["mental-health", "children-and-families"],
                "MO,TH",
                "15:30",
                "19:00",
                "",
                "Young people who live or study in the borough",
                11,
                "020 7946 0104",
            ),
        ],
    ),
    (
        "Age Concern Borough",
        "Support for older people and their families.",
        "https://ageconcern.example",
        [
            (
                "Friday lunch club",
                "A hot two-course lunch and company.",
                ["older-people", "food"],
                "FR",
                "12:00",
                "14:00",
                "£4 a meal",
                "People aged 60 and over",
                60,
                "020 7946 0105",
            ),
            (
                "Befriending calls",
                "A friendly volunteer phones you every week for a chat.",
                ["older-people", "mental-health"],
                "",
                "",
                "",
                "",
                "People aged 60 and over who feel lonely",
                60,
                "020 7946 0107",
            ),
        ],
    ),
    (
        "Borough Libraries",
        "The council's libraries.",
        "https://libraries.example",
        [
            (
                "Digital skills drop-in",
                "Help with computers, phones, email and filling in forms online.",
                ["digital-skills"],
                "TU,SA",
                "10:00",
                "12:00",
                "",
                "",
                16,
                "",
            ),
            (
                "Stay and play",
                "Songs, stories and play for under-fives and their carers.",
                ["children-and-families"],
                "TH",
                "10:00",
                "11:30",
                "",
                "",
                None,
                "",
            ),
        ],
    ),
    (
        "Borough Carers Centre",
        "Information and breaks for unpaid carers.",
        "https://carers.example",
        [
            (
                "Carers' support group",
                "Meet other carers, get advice and a break.",
                ["carers", "mental-health"],
                "TU",
                "18:00",
                "20:00",
                "",
                "Unpaid carers of any age",
                None,
                "020 7946 0106",
            ),
        ],
    ),
    (
        "Streetlink Borough Outreach",
        "Outreach for people sleeping rough.",
        "https://outreach.example",
        [
            (
                "Rough sleeping outreach",
                "Tell us about someone sleeping rough and our team will visit to offer help.",
                ["housing"],
                "",
                "",
                "",
                "",
                "",
                None,
                "0300 500 0914",
            ),
        ],
    ),
)


def _places(demo: Demo, count: int) -> list[Property]:
    found = list(
        Property.objects.filter(is_current=True)
        .exclude(postcode="")
        .select_related("usrn")
        .order_by("uprn")[:400]
    )
    return demo.rng.sample(found, min(count, len(found))) if found else []


def make_directory(demo: Demo) -> None:
    """Needs, organisations, places, services (published, as if approved) and a representative
    of the food bank with a resident account."""
    TaxonomyTerm.objects.bulk_create(
        TaxonomyTerm(code=code, name=name, keywords=words) for code, name, words in NEEDS
    )
    needs = {term.code: term for term in TaxonomyTerm.objects.all()}
    places = _places(demo, len(ORGANISATIONS))
    services = 0
    for index, (name, description, website, offered) in enumerate(ORGANISATIONS):
        org = Organisation.objects.create(name=name, description=description, website=website)
        location = None
        if index < len(places) and index != len(ORGANISATIONS) - 1:
            prop = places[index]
            location = Location.objects.create(
                organisation=org,
                name=f"{name} centre",
                address_1=prop.street_lines[-1],
                city=prop.town,
                postcode=prop.postcode,
                latitude=prop.latitude,
                longitude=prop.longitude,
            )
        for title, text, codes, days, opens, closes, cost, who, low, phone in offered:
            service = Service.objects.create(
                organisation=org,
                name=title,
                description=text,
                url=website,
                phone=phone,
                eligibility=who,
                minimum_age=low,
                assured_date=demo.today - dt.timedelta(days=30),
            )
            service.taxonomy_terms.set([needs[code] for code in codes])
            if location is not None and days:
                service.locations.add(location)
            CostOption.objects.create(
                service=service, amount=None if cost else 0, amount_description=cost or "Free"
            )
            if days:
                Schedule.objects.create(
                    service=service,
                    byday=days,
                    opens_at=dt.time.fromisoformat(opens),
                    closes_at=dt.time.fromisoformat(closes),
                )
            services += 1
        if index == 0:
            rep = User.objects.create(
                email=DEMO_REPRESENTATIVE_EMAIL,
                first_name="Grace",
                last_name="Okafor",
                kind=User.Kind.RESIDENT,
                password=make_password(DEMO_PASSWORD),
            )
            email_mark_verified(user=rep)
            org.representatives.add(rep)
    demo.summary.directory = f"{len(ORGANISATIONS)} organisations, {services} services"
