"""Organisation accounts and a councillor in the demo borough (issue 26): the food bank's
listing gets its account (its representative the owner), the demo resident runs a cafe that
asked for trade waste collections with a colleague as a member, and a councillor for the
busiest ward has raised two enquiries for residents."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.hashers import make_password
from django.db.models import Count
from django.utils import timezone

from borough.accounts.models import (
    Membership,
    Organisation,
    OrganisationMember,
    OrganisationRole,
    Role,
    Team,
    User,
)
from borough.accounts.organisation_policies import COUNCILLORS_TEAM_SLUG
from borough.accounts.services import email_mark_verified
from borough.cases.create import case_create
from borough.cases.enquiries import enquiry_raise
from borough.cases.models import Case
from borough.catalogue.models import Service
from borough.core.actors import ResidentActor
from borough.core.channels import Channel
from borough.directory.models import Organisation as Listing
from borough.people.models import Resident
from borough.places.models import Property, Ward, WardCouncillor

from .context import Demo
from .directory import DEMO_REPRESENTATIVE_EMAIL
from .people import DEMO_PASSWORD, DEMO_RESIDENT_EMAIL

DEMO_COUNCILLOR_EMAIL = "cllr.patel@council.example"
DEMO_COLLEAGUE_EMAIL = "sam@acacia-cafe.example"

ENQUIRIES = (
    ("writing", "Fly-tipping behind the shops", "Rubbish has been dumped "
     "behind the parade of shops for two weeks and is attracting rats."),
    ("in_person", "Missed bin collections", "The recycling has been missed "
     "three weeks running on this road; the resident has reported it each time."),
)  # fmt: skip


def _account(email: str, first: str, last: str) -> User:
    user = User.objects.create(
        email=email,
        first_name=first,
        last_name=last,
        kind=User.Kind.RESIDENT,
        password=make_password(DEMO_PASSWORD),
    )
    email_mark_verified(user=user)
    return user


def _settle_reference(demo: Demo, case: Case) -> None:
    """A reference from the demo's own random numbers, so the demo is reproducible
    (``case_create`` draws a random one)."""
    taken = set(Case.objects.values_list("reference", flat=True))
    Case.objects.filter(pk=case.pk).update(reference=demo.reference(taken))


def make_organisations(demo: Demo) -> None:
    made = []
    rep = User.objects.filter(email=DEMO_REPRESENTATIVE_EMAIL).first()
    listing = Listing.objects.filter(representatives=rep).first() if rep else None
    if listing is not None and rep is not None:
        account = Organisation.objects.create(
            name=listing.name, kind=Organisation.Kind.CHARITY, email=listing.email
        )
        OrganisationMember.objects.create(
            organisation=account, user=rep, role=OrganisationRole.OWNER
        )
        listing.account = account
        listing.save(update_fields=["account"])
        made.append(listing.name)
    owner = User.objects.filter(email=DEMO_RESIDENT_EMAIL).first()
    shop = Property.objects.filter(is_current=True).order_by("uprn").first()
    if owner is not None and shop is not None:
        cafe = Organisation.objects.create(
            name="Acacia Avenue Cafe",
            kind=Organisation.Kind.BUSINESS,
            email="hello@acacia-cafe.example",
        )
        OrganisationMember.objects.create(
            organisation=cafe, user=owner, role=OrganisationRole.OWNER
        )
        colleague = _account(DEMO_COLLEAGUE_EMAIL, "Sam", "Reid")
        OrganisationMember.objects.create(
            organisation=cafe, user=colleague, role=OrganisationRole.MEMBER
        )
        case = case_create(
            actor=ResidentActor(user=colleague),
            service=Service.objects.get(slug="trade-waste-collection"),
            answers={
                "address": shop.uprn,
                "waste_type": "general",
                "frequency": "weekly",
                "bins": 2,
            },
            channel=Channel.WEB,
            organisation=cafe,
        )
        _settle_reference(demo, case)
        made.append(cafe.name)
    councillor = _councillor(demo)
    demo.summary.organisations = ", ".join(made)
    demo.summary.councillor = councillor


def _councillor(demo: Demo) -> str:
    busiest = (
        Case.objects.filter(ward__isnull=False)
        .values("ward")
        .annotate(n=Count("id"))
        .order_by("-n", "ward")
        .first()
    )
    if busiest is None:
        return ""
    ward = Ward.objects.get(pk=busiest["ward"])
    user = _account(DEMO_COUNCILLOR_EMAIL, "Priya", "Patel")
    team, _ = Team.objects.get_or_create(
        slug=COUNCILLORS_TEAM_SLUG, defaults={"name": "Councillors"}
    )
    Membership.objects.create(user=user, team=team, role=Role.COUNCILLOR)
    WardCouncillor.objects.create(ward=ward, user=user)
    # For residents of the ward the demo already has (found by their email address).
    residents = Resident.objects.filter(household__property__ward=ward).exclude(email="")
    pairs = list(zip(residents.order_by("id")[: len(ENQUIRIES)], ENQUIRIES, strict=False))
    for days_ago, (resident, (method, subject, details)) in enumerate(pairs, start=2):
        given = timezone.localdate() - dt.timedelta(days=days_ago)
        enquiry = enquiry_raise(
            ResidentActor(user=user),
            {
                "first_name": resident.first_name,
                "last_name": resident.last_name,
                "email": resident.email,
                "ward": str(ward.pk),
                "consent_method": method,
                "consent_day": str(given.day),
                "consent_month": str(given.month),
                "consent_year": str(given.year),
                "subject": subject,
                "details": details,
            },
        )
        _settle_reference(demo, enquiry)
    return f"{DEMO_COUNCILLOR_EMAIL} ({ward.name}, {len(pairs)} enquiries)"
