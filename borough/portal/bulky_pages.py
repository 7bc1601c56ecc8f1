"""Bulky waste on the portal: choosing a collection day with room (after check answers, before
paying; the place is held while the resident pays) and cancelling a booking from MyAccount
with the refund the council's rules give (``processes.library.bulky``). No JavaScript: a list
of radios and a form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from borough.catalogue.fees import pounds
from borough.catalogue.selectors import service_get
from borough.core.actors import ResidentActor
from borough.core.services import audit_record
from borough.payments.client import PayError
from borough.payments.services import payment_start
from borough.people.services import resident_for_account
from borough.places.selectors import property_get
from borough.processes.library import bulky
from borough.processes.models import BulkySlot
from borough.processes.waste import refund_if_cancelled_today, request_cancel

from .progress import Journeys

CONTACT_KEY = "borough_bulky_contact_by"


def _ward_of(answers: dict) -> int | None:
    uprn = answers.get("address")
    prop = property_get(uprn) if isinstance(uprn, int) else None
    return prop.ward_id if prop is not None else None


def day_first(request, service, state, contact_by: str):
    """Before paying for a bulky waste booking: the page to choose a day, when the council
    sets days for the resident's ward and none is held for this form yet (None otherwise)."""
    if service.slug != bulky.SERVICE or bulky.held_for(state.token) is not None:
        return None
    ward = _ward_of(state.answers)
    if ward is None or not BulkySlot.objects.filter(ward_id=ward).exists():
        return None  # no days set for the ward: a waste officer arranges the day
    request.session[CONTACT_KEY] = contact_by
    return redirect("portal:bulky_day", slug=service.slug)


@never_cache
@require_http_methods(["GET", "POST"])
def choose_day(request, slug: str):
    """Choose a collection day from the days with room in the resident's ward."""
    service = service_get(slug)
    if service is None or slug != bulky.SERVICE:
        raise Http404("No such service")
    journeys = Journeys(request.session, request.user)
    state = journeys.get(service)
    if state is None:
        return redirect("portal:start", slug=slug)
    slots = list(bulky.slots_with_room(_ward_of(state.answers)))
    errors: dict[str, str] = {}
    chosen = request.POST.get("slot", "")
    if request.method == "POST":
        slot = next((s for s in slots if str(s.pk) == chosen), None)
        if slot is None and chosen.isdigit() and BulkySlot.objects.filter(pk=chosen).exists():
            errors["slot"] = _(
                "Sorry, someone has just taken the last place on that day. Choose another day."
            )
        elif slot is None:
            errors["slot"] = _("Select a collection day")
        else:
            try:
                bulky.hold(form_token=state.token, slot=slot)
            except bulky.SlotFull:
                errors["slot"] = _(
                    "Sorry, someone has just taken the last place on that day. Choose another day."
                )
                slots = list(bulky.slots_with_room(_ward_of(state.answers)))
            else:
                return _pay(request, service, state, journeys)
    return render(
        request,
        "portal/bulky_day.html",
        {
            "service": service,
            "slots": slots,
            "errors": errors,
            "chosen": chosen,
            "form_has_errors": bool(errors),
        },
        status=409 if errors and chosen else 200,  # the day was taken meanwhile
    )


def _pay(request, service, state, journeys):
    user = request.user
    resident = (
        resident_for_account(user=user, actor=ResidentActor(user=user))
        if user.is_authenticated and not user.is_council_staff
        else None
    )
    try:
        payment = payment_start(
            service=service,
            answers=state.answers,
            form_token=state.token,
            resident=resident,
            user=user,
            contact_by=request.session.get(CONTACT_KEY, ""),
        )
    except PayError:
        return render(request, "portal/payment_unavailable.html", {"service": service}, status=503)
    if payment.case is not None:
        journeys.finish(service, payment.case.reference)
        return redirect("portal:confirmation", slug=service.slug)
    return HttpResponseRedirect(payment.next_url)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def cancel_booking(request, pk: int):
    """Check, then cancel a bulky waste booking: the refund the rules give today is shown
    first; the process gives it through GOV.UK Pay."""
    if request.user.is_council_staff:
        raise Http404("MyAccount is for residents")
    booking = bulky.bookings_for_user(request.user).filter(pk=pk).first()
    if booking is None:
        raise Http404(_("No such booking"))
    refund = refund_if_cancelled_today(booking) if booking.state == "booked" else 0
    if request.method == "POST" and booking.state == "booked":
        audit_record(
            actor=ResidentActor(user=request.user),
            action="cancelled",
            object_type="bulky_booking",
            object_id=str(booking.pk),
            summary=f"Cancelled the bulky waste booking of {booking.case.reference}",
            resident_id=booking.case.resident_id,
            channel="portal",
        )
        request_cancel(user=request.user, booking=booking)
        booking.refresh_from_db()
        if booking.state == "cancelled":
            messages.success(
                request,
                _("Your bulky waste collection is cancelled. Refunded: %(amount)s.")
                % {"amount": pounds(booking.refunded_pence)},
            )
        else:
            messages.info(
                request,
                _("We are cancelling your collection. We will write to you when it is done."),
            )
        return redirect("portal:my_account")
    return render(
        request,
        "portal/myaccount/bulky_cancel.html",
        {"booking": booking, "refund": pounds(refund) if refund else "", "unsure": refund is None},
    )
