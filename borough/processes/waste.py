"""Bulky waste actions the resident takes in MyAccount (``portal.bulky_pages``): what a
cancellation today would refund (the current ``bulky_refund`` table), and cancelling, which
tells the booking's process (message ``bulky_cancelled``); the process refunds by the rules."""

from __future__ import annotations

from django.utils import timezone

from .engine import DecisionNotCovered, evaluate_decision
from .library.bulky import NotCancellable, bookings_for_user
from .models import BookingState, BulkyBooking, DecisionTable, ProcessInstance
from .services import SYSTEM, send_message
from .versions import current_decisions


def refund_if_cancelled_today(booking: BulkyBooking) -> int | None:
    """The refund, in pence, a cancellation today would give by the refund rules the booking's
    process runs on (the version it started with): what the resident is told before they
    confirm. None when the rules do not say (the process will stop for staff to fix them)."""
    instance = ProcessInstance.objects.filter(
        case=booking.case, definition__key="bulky-waste"
    ).first()
    version = (instance.decisions or {}).get("bulky_refund") if instance else None
    table = (
        DecisionTable.objects.filter(key="bulky_refund", version=version).first()
        if version is not None
        else None
    )
    if table is None:
        table = next(t for t in current_decisions() if t.key == "bulky_refund")
    days = (booking.slot.date - timezone.localdate()).days
    try:
        outputs = evaluate_decision(table.dmn, {"cancel": {"days": days}})
    except DecisionNotCovered:
        return None
    percent = int(outputs["refund_percent"])
    case = booking.case
    if case is None:
        return 0
    payment = case.payment
    return min(payment.amount_pence * percent // 100, payment.amount_pence - payment.refunded_pence)


def request_cancel(*, user, booking: BulkyBooking) -> int:
    """The resident cancels their booking from MyAccount: the process hears ``bulky_cancelled``
    and refunds by the rules. Returns how many processes took it (0: nothing waited)."""
    case_id = booking.case_id
    if (
        case_id is None
        or booking.state != BookingState.BOOKED
        or not bookings_for_user(user).filter(pk=booking.pk).exists()
    ):
        raise NotCancellable(str(booking.pk))
    return send_message(case_id=case_id, name="bulky_cancelled", payload={}, actor=SYSTEM)
