"""What the inclusion pages read: the waiting list in priority order with its reasons, a
partner's own nominations, a resident's loans and bookings, the stock, and the reports of
devices out, the waiting list and outcomes by ward."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from .models import Booking, CanDo, Device, Loan, Nomination, SkillsSession, Survey
from .priority import explain


def waiting_list() -> list[tuple[int, Nomination, str]]:
    """Approved nominations without a device, highest priority first, then longest waiting;
    each with its place and why it is there."""
    rows = (
        Nomination.objects.filter(status=Nomination.Status.WAITING)
        .select_related("resident", "partner")
        .order_by("-priority", "created_at", "pk")
    )
    return [(place, n, explain(n.priority_reasons)) for place, n in enumerate(rows, start=1)]


def awaiting_decision() -> QuerySet[Nomination]:
    return (
        Nomination.objects.filter(status=Nomination.Status.DECISION)
        .select_related("resident", "partner")
        .order_by("created_at")
    )


def partner_nominations(partner) -> QuerySet[Nomination]:
    return (
        Nomination.objects.filter(partner=partner)
        .select_related("resident")
        .order_by("-created_at")
    )


def devices() -> QuerySet[Device]:
    return Device.objects.prefetch_related("wipes__wiped_by").order_by(
        "status", "kind", "serial_number"
    )


def loans_open() -> QuerySet[Loan]:
    return (
        Loan.objects.filter(status__in=Loan.OPEN)
        .select_related("resident", "device")
        .order_by("due_back")
    )


def resident_loans(resident) -> QuerySet[Loan]:
    return Loan.objects.filter(resident=resident).select_related("device").order_by("-created_at")


def resident_bookings(resident) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(resident=resident, cancelled_at__isnull=True)
        .select_related("session")
        .order_by("session__starts_at")
    )


def sessions_ahead() -> QuerySet[SkillsSession]:
    return SkillsSession.objects.filter(starts_at__gt=timezone.now()).annotate(
        booked=Count("bookings", filter=Q(bookings__cancelled_at__isnull=True))
    )


def sessions_with_places() -> list[tuple[SkillsSession, int]]:
    """Sessions ahead, each with the places left."""
    return [
        (s, max(s.capacity - s.booked, 0))  # type: ignore[attr-defined]  # annotated above
        for s in sessions_ahead()
    ]


def sessions_recent() -> QuerySet[SkillsSession]:
    return (
        SkillsSession.objects.filter(starts_at__lte=timezone.now())
        .annotate(
            booked=Count("bookings", filter=Q(bookings__cancelled_at__isnull=True)),
            came=Count("bookings", filter=Q(bookings__attended=True)),
        )
        .order_by("-starts_at")[:20]
    )


@dataclass
class WardRow:
    ward: str
    waiting: int = 0
    out: int = 0
    returned: int = 0
    lost_or_damaged: int = 0
    surveys: int = 0
    attended: int = 0


WARD = "resident__household__property__ward__name"


def report_by_ward() -> list[WardRow]:
    """Per ward of the resident's home (``Unknown`` without one): waiting, out, ended,
    surveys answered and session attendances. Four grouped queries."""
    rows: dict[str, WardRow] = {}

    def row(name) -> WardRow:
        name = name or "Unknown"
        return rows.setdefault(name, WardRow(name))

    for g in (
        Nomination.objects.filter(status=Nomination.Status.WAITING)
        .values(WARD)
        .annotate(n=Count("id"))
        .order_by()
    ):
        row(g[WARD]).waiting = g["n"]
    for g in (
        Loan.objects.values(WARD)
        .annotate(
            out=Count("id", filter=Q(status=Loan.Status.OUT)),
            returned=Count("id", filter=Q(status=Loan.Status.RETURNED)),
            bad=Count("id", filter=Q(status__in=[Loan.Status.LOST, Loan.Status.DAMAGED])),
        )
        .order_by()
    ):
        r = row(g[WARD])
        r.out, r.returned, r.lost_or_damaged = g["out"], g["returned"], g["bad"]
    for g in (
        Survey.objects.filter(answered_at__isnull=False)
        .values(ward=F(f"loan__{WARD}"))
        .annotate(n=Count("id"))
        .order_by()
    ):
        row(g["ward"]).surveys = g["n"]
    for g in Booking.objects.filter(attended=True).values(WARD).annotate(n=Count("id")).order_by():
        row(g[WARD]).attended = g["n"]
    return sorted(rows.values(), key=lambda r: (r.ward == "Unknown", r.ward))


def stock_summary() -> dict[str, int]:
    counts = dict(Device.objects.values_list("status").annotate(n=Count("id")).order_by())
    return {label: counts.get(value, 0) for value, label in Device.Status.choices}


def survey_outcomes() -> dict[str, int]:
    """How many answered residents can now do each thing online."""
    counts: dict[str, int] = {}
    labels = dict(CanDo.choices)
    for can_do in Survey.objects.filter(answered_at__isnull=False).values_list("can_do", flat=True):
        for item in can_do:
            label = str(labels.get(item, item))
            counts[label] = counts.get(label, 0) + 1
    return counts
