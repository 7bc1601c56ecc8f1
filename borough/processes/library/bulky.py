"""Bulky waste booking (``definitions/bulky_waste.bpmn``, decision ``bulky_refund``).

The resident chooses a collection day with room in their ward on the portal (``slots_with_room``)
and the place is held while they pay (``hold``: a guarded update, so of two residents taking
the last place only one has it; ``HOLD_MINUTES`` later an unpaid hold is released by
``release_lapsed_holds``). Paying makes the case, and the process:

1. confirms the held place (re-taking it if the hold lapsed and the place is still free; a
   full slot refunds in full and says sorry; no slot at all goes to a waste officer, the way
   councils without slots book);
2. reminds the resident the day before (timer; the update goes by their chosen channel
   through Notify), and closes the case after the collection day (timer);
3. hears ``bulky_cancelled`` from MyAccount: the refund decision (DMN; the cut-off is data)
   says how much comes back, the payments app refunds it, and the place is released.

Why the hold's expiry is a periodic task (``tasks.bulky_release_lapsed_holds``) and not a timer
in ``bulky_waste.bpmn`` like the reminder and the garden waste waits: a hold is taken before
there is a case (a case only once paid, ADR 0030), and a process instance is always a case's
(``ProcessInstance.case``). Most holds belong to residents who leave the payment page; running a
process for each would mean a case for every abandoned payment (in the hub, the KPIs and the
resident's account) or caseless instances that every process page and policy would have to
allow for. What the process does own is the consequence of a lapse: ``confirm`` re-takes the
place if it is still free, and refunds with an apology if it is not.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from borough.cases.errors import TransitionRefused
from borough.cases.models import Resolution, Status
from borough.cases.workflow import case_send_update
from borough.catalogue.fees import pounds
from borough.payments.client import PayError
from borough.payments.refunds import payment_refund_by_rule

from ..models import BookingState, BulkyBooking, BulkySlot
from ..registry import ServiceUnavailable, StepContext, service_task
from .common import actor
from .waste_words import day, their_language

SERVICE = "book-bulky-waste-collection"
HOLD_MINUTES = 45
BOOK_DAYS_AHEAD = (1, 56)  # from tomorrow to 8 weeks ahead
REMIND_AT = dt.time(9, 0)  # the day before
COLLECTED_AFTER = dt.time(20, 0)  # on the collection day
ACTOR = actor("bulky-waste")


class SlotFull(Exception):
    """The slot has no room left (someone took the last place)."""


def slots_with_room(ward_id: int | None, *, today: dt.date | None = None):
    """The slots a resident in ``ward_id`` may choose: from tomorrow to 8 weeks ahead, with
    room."""
    if ward_id is None:
        return BulkySlot.objects.none()
    today = today or timezone.localdate()
    return BulkySlot.objects.filter(
        ward_id=ward_id,
        date__gte=today + dt.timedelta(days=BOOK_DAYS_AHEAD[0]),
        date__lte=today + dt.timedelta(days=BOOK_DAYS_AHEAD[1]),
        booked__lt=F("capacity"),
    ).order_by("date")


def _take(slot_id: int) -> bool:
    """One place on the slot, if it has room: one guarded UPDATE, so two takers of the last
    place cannot both have it (the database's row lock orders them)."""
    return bool(
        BulkySlot.objects.filter(pk=slot_id, booked__lt=F("capacity")).update(
            booked=F("booked") + 1
        )
    )


def _give_back(slot_id: int) -> None:
    BulkySlot.objects.filter(pk=slot_id, booked__gt=0).update(booked=F("booked") - 1)


def hold(*, form_token: str, slot: BulkySlot, now: dt.datetime | None = None) -> BulkyBooking:
    """Hold a place on ``slot`` for the resident's form while they pay. Choosing again moves the
    hold (the old place is given back). Raises ``SlotFull`` when there is no room."""
    now = now or timezone.now()
    with transaction.atomic():
        current = (
            BulkyBooking.objects.select_for_update()
            .filter(form_token=form_token, state=BookingState.HELD, case=None)
            .first()
        )
        if current is not None and current.slot_id == slot.pk:
            current.held_until = now + dt.timedelta(minutes=HOLD_MINUTES)
            current.save(update_fields=["held_until"])
            return current
        if not _take(slot.pk):
            raise SlotFull(str(slot.pk))
        if current is not None:
            _give_back(current.slot_id)
            current.state = BookingState.RELEASED
            current.save(update_fields=["state"])
        return BulkyBooking.objects.create(
            slot=slot,
            form_token=form_token,
            state=BookingState.HELD,
            held_until=now + dt.timedelta(minutes=HOLD_MINUTES),
        )


def held_for(form_token: str) -> BulkyBooking | None:
    return (
        BulkyBooking.objects.select_related("slot")
        .filter(form_token=form_token, state=BookingState.HELD, case=None)
        .first()
    )


def release_lapsed_holds(*, now: dt.datetime | None = None) -> int:
    """Give back the places held for residents who did not pay in time."""
    now = now or timezone.now()
    released = 0
    for pk in BulkyBooking.objects.filter(
        state=BookingState.HELD, case=None, held_until__lt=now
    ).values_list("pk", flat=True):
        with transaction.atomic():
            booking = (
                BulkyBooking.objects.select_for_update()
                .filter(pk=pk, state=BookingState.HELD, case=None)
                .first()
            )
            if booking is None:
                continue
            _give_back(booking.slot_id)
            booking.state = BookingState.RELEASED
            booking.save(update_fields=["state"])
            released += 1
    return released


def _at(date: dt.date, time: dt.time) -> str:
    return timezone.make_aware(dt.datetime.combine(date, time)).isoformat()


def _form_token(case) -> str:
    payment = getattr(case, "payment", None)
    return payment.form_token if payment is not None else ""


@service_task("bulky.confirm", "Confirm the collection day the resident held while paying")
def confirm(step: StepContext, params: dict) -> dict:
    case = step.case
    with transaction.atomic():
        booking = (
            BulkyBooking.objects.select_for_update()
            .select_related("slot")
            .filter(case=case)
            .first()
        )
        if booking is None:
            token = _form_token(case)
            booking = (
                BulkyBooking.objects.select_for_update()
                .select_related("slot")
                .filter(form_token=token, case=None)
                .exclude(state=BookingState.CANCELLED)
                .order_by("-created_at")
                .first()
                if token
                else None
            )
        if booking is None:
            return {"outcome": "no_slot"}
        if booking.state == BookingState.RELEASED and not _take(booking.slot_id):
            # paid after the hold lapsed, and someone else took the place meanwhile
            booking.case = case
            booking.save(update_fields=["case"])
            return {"outcome": "full", "date": booking.slot.date.isoformat()}
        booking.case, booking.state = case, BookingState.BOOKED
        booking.save(update_fields=["case", "state"])
    date = booking.slot.date
    return {
        "outcome": "booked",
        "date": date.isoformat(),
        "remind_at": _at(date - dt.timedelta(days=1), REMIND_AT),
        "collected_at": _at(date, COLLECTED_AFTER),
    }


def _tell(case, text: str, **change) -> None:
    case.refresh_from_db()
    if case.status == Status.CLOSED:
        return
    case_send_update(case=case, text=text, actor=ACTOR, **change)


@service_task("bulky.tell_booked", "Tell the resident their collection day")
def tell_booked(step: StepContext, params: dict) -> dict:
    case = step.case
    with their_language(case):
        text = _(
            "Your bulky waste collection is booked for %(day)s. Put your items outside the "
            "front of your property by 7am that day. You can cancel it in your account."
        ) % {"day": day(step.data["booking"]["date"])}
    _tell(case, text, to_status=Status.IN_PROGRESS)
    return {"told": True}


@service_task("bulky.remind", "Remind the resident the day before the collection")
def remind(step: StepContext, params: dict) -> dict:
    case = step.case
    with their_language(case):
        text = _(
            "Reminder: we collect your bulky waste tomorrow, %(day)s. Put your items outside "
            "the front of your property by 7am, without blocking the pavement."
        ) % {"day": day(step.data["booking"]["date"])}
    _tell(case, text)
    return {"reminded": True}


@service_task("bulky.collected", "Close the booking after the collection day")
def collected(step: StepContext, params: dict) -> dict:
    case = step.case
    BulkyBooking.objects.filter(case=case, state=BookingState.BOOKED).update(
        state=BookingState.COLLECTED
    )
    with their_language(case):
        text = _("We have collected your bulky waste. Thank you for booking.")
    _tell(case, text, to_status=Status.CLOSED, resolution=Resolution.FIXED)
    return {"closed": True}


def _refund(case, pence: int, reason: str) -> int:
    """Refund ``pence`` of the case's payment through the payments app (once: a retry after
    the refund went refunds nothing more)."""
    payment = getattr(case, "payment", None)
    if payment is None or pence <= 0:
        return 0
    payment.refresh_from_db()
    pence = min(pence, payment.amount_pence - payment.refunded_pence)
    if pence <= 0:
        return 0
    try:
        payment_refund_by_rule(actor=ACTOR, payment=payment, amount_pence=pence, reason=reason)
    except PayError:
        down = True
    except TransitionRefused as refused:  # the payments app's words; Pay down is retried
        if not isinstance(refused.__cause__, PayError) or "did not answer" not in str(refused):
            raise
        down = True
    else:
        down = False
    if down:  # raised outside the handler, so the hub shows these words, not Pay's
        raise ServiceUnavailable(
            f"GOV.UK Pay did not answer, so the {pounds(pence)} refund was not made. "
            "Retry when Pay is back."
        )
    return pence


@service_task("bulky.refund_full_slot", "Refund in full and say sorry: the day filled up")
def refund_full_slot(step: StepContext, params: dict) -> dict:
    case = step.case
    payment = getattr(case, "payment", None)
    paid = payment.amount_pence if payment is not None else 0
    refunded = _refund(case, paid, "The collection day filled up before the payment came")
    with their_language(case):
        text = _(
            "Sorry, the collection day you chose filled up while you were paying, so we could "
            "not book it. We have refunded %(amount)s in full. Please book another day."
        ) % {"amount": pounds(paid)}
    _tell(case, text, to_status=Status.CLOSED, resolution=Resolution.NOT_POSSIBLE)
    return {"refunded_pence": refunded}


@service_task("bulky.days_before", "Work out how many days before the collection it is")
def days_before(step: StepContext, params: dict) -> dict:
    date = dt.date.fromisoformat(step.data["booking"]["date"])
    return {"days": (date - timezone.localdate()).days}


@service_task("bulky.cancel", "Refund what the rules say, give the place back, tell the resident")
def cancel(step: StepContext, params: dict) -> dict:
    case = step.case
    percent = int(step.data.get("refund_percent", 0))
    payment = getattr(case, "payment", None)
    paid = payment.amount_pence if payment is not None else 0
    refunded = _refund(
        case,
        paid * percent // 100,
        f"Cancelled by the resident {step.data['cancel']['days']} days before the collection: "
        f"{percent}% back (bulky_refund)",
    )
    with transaction.atomic():
        booking = BulkyBooking.objects.select_for_update().filter(case=case).first()
        if booking is not None and booking.state == BookingState.BOOKED:
            _give_back(booking.slot_id)
            booking.state, booking.cancelled_at = BookingState.CANCELLED, timezone.now()
            booking.refunded_pence = refunded
            booking.save(update_fields=["state", "cancelled_at", "refunded_pence"])
    with their_language(case):
        if percent:
            text = _(
                "Your bulky waste collection is cancelled. We have refunded %(amount)s to your "
                "card; it can take up to 5 working days to reach you."
            ) % {"amount": pounds(paid * percent // 100)}
        else:
            text = _(
                "Your bulky waste collection is cancelled. It was cancelled too close to the "
                "collection day for a refund."
            )
    _tell(case, text, to_status=Status.CLOSED, resolution=Resolution.NOT_POSSIBLE)
    return {"refunded_pence": refunded}


class NotCancellable(Exception):
    """The booking is not the resident's, or is no longer waiting to be collected."""


def bookings_for_user(user):
    """A signed-in resident's bulky waste bookings (paid through their account), soonest first."""
    if user is None or not user.is_authenticated:
        return BulkyBooking.objects.none()
    return (
        BulkyBooking.objects.filter(case__payment__user=user)
        .exclude(state__in=(BookingState.HELD, BookingState.RELEASED))
        .select_related("slot", "case", "case__payment")
        .order_by("slot__date")
    )
