"""The demo borough's digital inclusion (issue 26): a library and a charity as partners (the
library with a member's sign-in), sixteen devices, nominations at every stage (to decide, on
the waiting list, a device offered to the demo resident, loans out, one back and wiped, one back
waiting for its wipe), digital skills sessions ahead and past with attendance, and a survey."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from borough.accounts.models import User
from borough.accounts.services import email_mark_verified
from borough.inclusion.models import (
    Booking,
    Device,
    DeviceWipe,
    Loan,
    Nomination,
    Partner,
    SkillsSession,
    Survey,
)
from borough.inclusion.priority import priority_of
from borough.inclusion.rules import default_rules_ensure
from borough.people.models import Resident

from .context import Demo
from .people import DEMO_PASSWORD, DEMO_RESIDENT_EMAIL

DEMO_LIBRARIAN_EMAIL = "librarian@library.example"
OFFICER = "inclusion.officer@council.example"

REASONS = (
    "Looking for work and has no computer to apply for jobs online.",
    "Lives alone since her husband died; wants video calls with her grandchildren.",
    "Universal Credit journal must be kept online; only has a broken phone.",
    "Care leaver starting college; needs a laptop for coursework.",
    "Long-term health condition; wants to order repeat prescriptions online.",
    "No internet at home; children share one phone for homework.",
)

#: (status, rule codes, kind)
STAGES: tuple[tuple[str, list[str], str], ...] = (
    ("decision", ["no-device", "job-seeking"], "laptop"),
    ("decision", ["isolated", "older"], "tablet"),
    ("decision", ["no-internet"], "sim"),
    ("waiting", ["no-device", "job-seeking", "low-income"], "laptop"),
    ("waiting", ["no-device", "isolated"], "tablet"),
    ("waiting", ["no-internet", "care-leaver"], "sim"),
    ("waiting", ["older"], "tablet"),
    ("declined", [], "laptop"),
    ("out", ["no-device", "job-seeking"], "laptop"),
    ("out", ["no-device", "health"], "tablet"),
    ("out", ["no-internet", "low-income"], "sim"),
    ("out", ["care-leaver", "no-device"], "laptop"),
    ("returned", ["no-device", "older"], "tablet"),
    ("back", ["job-seeking", "no-device"], "laptop"),
)


def _devices() -> dict[str, list[Device]]:
    stock: dict[str, list[Device]] = {"laptop": [], "tablet": [], "sim": []}
    for kind, prefix, model, count in (
        ("laptop", "LP", "Lenovo 100e Chromebook", 8),
        ("tablet", "TB", "Samsung Galaxy Tab A9", 4),
        ("sim", "SIM", "National Databank SIM, 20GB a month", 4),
    ):
        for n in range(1, count + 1):
            stock[kind].append(
                Device.objects.create(
                    kind=kind, serial_number=f"{prefix}-{n:04d}", model_name=model
                )
            )
    return stock


def _sessions(now: dt.datetime) -> list[SkillsSession]:
    made = []
    for days, title, venue, capacity in (
        (-20, "Getting started online", "Central Library", 8),
        (-13, "Video calls with family", "Hillside Community Centre", 6),
        (-6, "Online banking safely", "Northfield Library", 8),
        (2, "Getting started online", "Central Library", 8),
        (5, "Finding and applying for jobs", "Northfield Library", 10),
        (9, "Using the NHS App", "Hillside Community Centre", 6),
        (16, "Video calls with family", "Central Library", 6),
    ):
        start = (now + dt.timedelta(days=days)).replace(hour=10, minute=0, second=0, microsecond=0)
        made.append(
            SkillsSession.objects.create(
                title=title,
                venue=venue,
                starts_at=start,
                ends_at=start + dt.timedelta(hours=2),
                capacity=capacity,
                description="Friendly help at your own pace. No experience needed.",
            )
        )
    return made


def make_inclusion(demo: Demo, staff: dict[str, User]) -> None:
    rng = demo.rng
    now = timezone.now()
    officer = staff[OFFICER]
    library = Partner.objects.create(name="Central Library", kind=Partner.Kind.LIBRARY)
    Partner.objects.create(name="Northfield Library", kind=Partner.Kind.LIBRARY)
    charity = Partner.objects.create(name="Age Well Borough", kind=Partner.Kind.CHARITY)
    librarian = User.objects.create(
        email=DEMO_LIBRARIAN_EMAIL,
        first_name="Lola",
        last_name="Librarian",
        kind=User.Kind.RESIDENT,
        password=make_password(DEMO_PASSWORD),
    )
    email_mark_verified(user=librarian)
    library.members.add(librarian)
    rules = default_rules_ensure()
    stock = _devices()
    sessions = _sessions(now)
    pool = list(
        Resident.objects.filter(household__isnull=False, user__isnull=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("pk", flat=True)[:400]
    )
    chosen = rng.sample(pool, len(STAGES)) if len(pool) >= len(STAGES) else pool
    loans = 0
    for index, (resident_id, (stage, codes, kind)) in enumerate(zip(chosen, STAGES, strict=False)):
        met = [rules["lives-in-borough"], *(rules[c] for c in codes)]
        points, reasons = priority_of(met)
        partner = (library, charity, None)[index % 3]
        created = now - dt.timedelta(days=rng.randint(3, 40) + (100 if stage != "decision" else 0))
        nomination = Nomination.objects.create(
            resident_id=resident_id,
            nominated_by=librarian if partner is library else officer,
            partner=partner,
            kind_wanted=kind,
            reason=REASONS[index % len(REASONS)],
            consent_given=True,
            consent_recorded_at=created,
            priority=points,
            priority_reasons=reasons,
            status={"out": "lent", "returned": "closed", "back": "closed"}.get(stage, stage),
        )
        Nomination.objects.filter(pk=nomination.pk).update(created_at=created)
        nomination.rules_met.set(met)
        if stage != "decision":
            Nomination.objects.filter(pk=nomination.pk).update(
                decided_by=officer,
                decided_at=created + dt.timedelta(days=2),
                decision_reason=(
                    "Already has a working laptop at home, from the college."
                    if stage == "declined"
                    else "Meets the rules; added to the waiting list."
                ),
            )
        if stage not in {"out", "returned", "back"}:
            continue
        device = stock[kind].pop()
        handed = now - dt.timedelta(days=(100, 40, 20, 60, 150, 120)[loans % 6])
        loan = Loan.objects.create(
            nomination=nomination,
            device=device,
            resident_id=resident_id,
            offered_by=officer,
            due_back=(handed + dt.timedelta(weeks=26)).date(),
            status=Loan.Status.OUT if stage == "out" else Loan.Status.RETURNED,
            session_credits=1,
            agreement_version="2026-1",
            accepted_at=handed - dt.timedelta(days=3),
            accepted_by=officer,
            accepted_on_behalf=True,
            handover=Loan.Handover.COLLECT,
            handover_on=handed.date(),
            handover_place=library.name,
            handed_over_at=handed,
            returned_at=now - dt.timedelta(days=5) if stage != "out" else None,
        )
        loans += 1
        device.status = {"out": "on_loan", "returned": "available", "back": "awaiting_wipe"}[stage]
        device.save(update_fields=["status"])
        if stage == "returned":
            DeviceWipe.objects.create(
                device=device,
                wiped_by=officer,
                wiped_at=now - dt.timedelta(days=4),
                method=DeviceWipe.Method.FACTORY_RESET,
            )
        Booking.objects.create(
            session=sessions[loans % 3],
            resident_id=resident_id,
            booked_by=officer,
            channel=Booking.Channel.PHONE,
            loan=loan,
            attended=rng.random() < 0.8,
        )
        if (now - handed).days >= 91:
            Survey.objects.create(
                loan=loan,
                sent_at=handed + dt.timedelta(days=91),
                answered_at=handed + dt.timedelta(days=93) if loans % 2 else None,
                can_do=["email", "video_calls", "council_services"] if loans % 2 else [],
                confidence=4 if loans % 2 else None,
            )
    _offer_to_demo_resident(officer, rules, stock)
    demo.summary.inclusion = (
        f"{Device.objects.count()} devices, {Nomination.objects.count()} nominations, "
        f"{Loan.objects.count()} loans, {len(sessions)} skills sessions"
    )


def _offer_to_demo_resident(officer: User, rules, stock) -> None:
    """The demo resident has a laptop offered, to accept in MyAccount."""
    resident = Resident.objects.filter(user__email=DEMO_RESIDENT_EMAIL).first()
    if resident is None:
        return
    met = [rules["lives-in-borough"], rules["no-device"], rules["job-seeking"]]
    points, reasons = priority_of(met)
    nomination = Nomination.objects.create(
        resident=resident,
        nominated_by=officer,
        kind_wanted="laptop",
        reason="Asked at the library for help applying for jobs online.",
        consent_given=True,
        consent_recorded_at=timezone.now() - dt.timedelta(days=9),
        priority=points,
        priority_reasons=reasons,
        status=Nomination.Status.OFFERED,
        decided_by=officer,
        decided_at=timezone.now() - dt.timedelta(days=7),
        decision_reason="Meets the rules; top of the waiting list for a laptop.",
    )
    nomination.rules_met.set(met)
    device = stock["laptop"].pop()
    Loan.objects.create(
        nomination=nomination,
        device=device,
        resident=resident,
        offered_by=officer,
        due_back=timezone.localdate() + dt.timedelta(weeks=26),
    )
    device.status = Device.Status.ALLOCATED
    device.save(update_fields=["status"])
