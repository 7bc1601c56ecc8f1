"""Digital skills sessions: booking (online by the resident, by phone through an agent, or by a
partner for a resident they nominated), cancelling, and attendance. A booking by a resident
with a loan uses one of the loan's session credits ("this device comes with two sessions"),
given back if they cancel."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from borough.accounts.inclusion_policies import may_act_for_resident, may_run_inclusion
from borough.core.actors import Actor, acting_user

from .errors import Invalid, refuse_unless
from .models import Booking, Loan, SkillsSession
from .services import audit


def _partner_ids(resident) -> set[int]:
    return set(
        resident.inclusion_nominations.filter(partner__isnull=False).values_list(
            "partner_id", flat=True
        )
    )


def places_left(session: SkillsSession) -> int:
    taken = session.bookings.filter(cancelled_at__isnull=True).count()
    return max(session.capacity - taken, 0)


def _loan_with_credit(resident) -> Loan | None:
    return (
        Loan.objects.select_for_update()
        .filter(resident=resident, status__in=Loan.OPEN, session_credits__gt=0)
        .order_by("created_at")
        .first()
    )


def book(*, actor: Actor, session: SkillsSession, resident, channel: str) -> Booking:
    refuse_unless(may_act_for_resident(actor, resident, _partner_ids(resident)))
    if channel not in Booking.Channel.values:
        raise ValueError(f"no booking channel {channel!r}")
    with transaction.atomic():
        session = SkillsSession.objects.select_for_update().get(pk=session.pk)
        if session.starts_at <= timezone.now():
            raise Invalid({"session": _("This session has already started")})
        if session.bookings.filter(resident=resident, cancelled_at__isnull=True).exists():
            raise Invalid({"session": _("There is already a place booked at this session")})
        if places_left(session) == 0:
            raise Invalid({"session": _("This session is full. Choose another session")})
        loan = _loan_with_credit(resident)
        booking = Booking.objects.create(
            session=session,
            resident=resident,
            booked_by=acting_user(actor),
            channel=channel,
            loan=loan,
        )
        if loan is not None:
            loan.session_credits -= 1
            loan.save(update_fields=["session_credits", "updated_at"])
        audit(actor, "created", booking, f"booked {channel}", resident.pk)
    return booking


def cancel(*, actor: Actor, booking: Booking) -> Booking:
    refuse_unless(may_act_for_resident(actor, booking.resident, _partner_ids(booking.resident)))
    with transaction.atomic():
        if booking.cancelled_at is not None:
            return booking
        if booking.session.starts_at <= timezone.now():
            raise Invalid({"booking": _("This session has already started")})
        booking.cancelled_at = timezone.now()
        booking.save(update_fields=["cancelled_at", "updated_at"])
        if booking.loan_id is not None:
            Loan.objects.filter(pk=booking.loan_id).update(session_credits=F("session_credits") + 1)
        audit(actor, "changed", booking, "booking cancelled", booking.resident_id)
    return booking


def record_attendance(*, actor: Actor, session: SkillsSession, attended: set[int]) -> int:
    """Mark who came (booking ids in ``attended``) and who did not; returns how many came."""
    refuse_unless(may_run_inclusion(actor))
    if session.starts_at > timezone.now():
        raise Invalid({"attended": "Attendance can be recorded once the session has started"})
    bookings = session.bookings.filter(cancelled_at__isnull=True)
    unknown = attended - set(bookings.values_list("pk", flat=True))
    if unknown:
        raise Invalid({"attended": "Select people booked on this session"})
    with transaction.atomic():
        bookings.filter(pk__in=attended).update(attended=True)
        bookings.exclude(pk__in=attended).update(attended=False)
        audit_record_session(actor, session)
    return len(attended)


def audit_record_session(actor: Actor, session: SkillsSession) -> None:
    audit(actor, "changed", session, "attendance recorded", None, ["attended"])


def session_save(*, actor: Actor, session: SkillsSession) -> SkillsSession:
    """Add or change a session (the hub's form); the checks a person can get wrong."""
    refuse_unless(may_run_inclusion(actor))
    errors = {}
    if not session.title.strip():
        errors["title"] = "Enter a title"
    if not session.venue.strip():
        errors["venue"] = "Enter the venue"
    if session.starts_at and session.ends_at and session.ends_at <= session.starts_at:
        errors["ends_at"] = "The end must be after the start"
    if not session.capacity or session.capacity < 1:
        errors["capacity"] = "Places must be 1 or more"
    if errors:
        raise Invalid(errors)
    session.save()
    return session
