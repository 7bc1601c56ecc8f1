"""Digital inclusion for residents (issue 26): digital skills sessions anyone can see and a
signed-in resident can book, and in MyAccount their device loan (accept the agreement and book
the collection or delivery), their bookings (cancel) and the three-month survey."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from borough.core.actors import ResidentActor
from borough.inclusion import selectors, sessions
from borough.inclusion import services as lending
from borough.inclusion.errors import Invalid
from borough.inclusion.forms import date_from, handover_places
from borough.inclusion.models import Booking, CanDo, Loan, SkillsSession, Survey
from borough.people.services import resident_for_account

from .request_page import signed_in_resident


def skills_sessions(request):
    return render(
        request,
        "portal/inclusion/sessions.html",
        {"sessions": selectors.sessions_with_places()},
    )


def _me(request):
    resident = signed_in_resident(request)
    if resident is None:
        raise Http404("No resident record for this account")
    return resident, ResidentActor(resident=resident, user=request.user)


@login_required
@never_cache
def session_book(request, session_id: int):
    session = get_object_or_404(SkillsSession, pk=session_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        # A new account has no resident record yet: booking starts it from the account.
        if signed_in_resident(request) is None:
            resident_for_account(user=request.user, actor=ResidentActor(user=request.user))
        resident, actor = _me(request)
        try:
            booking = sessions.book(
                actor=actor, session=session, resident=resident, channel=Booking.Channel.ONLINE
            )
        except Invalid as refused:
            errors = refused.errors
        else:
            text = _("You are booked on %(title)s.") % {"title": session.title}
            if booking.loan_id:
                text += " " + _("It is one of the sessions that came with your device.")
            messages.success(request, text)
            return redirect("portal:my_devices")
    return render(
        request,
        "portal/inclusion/book.html",
        {"session": session, "left": sessions.places_left(session), "errors": errors},
        status=400 if errors else 200,
    )


@login_required
@never_cache
def my_devices(request):
    if signed_in_resident(request) is None:  # a new account: nothing lent or booked yet
        return render(
            request,
            "portal/inclusion/my_devices.html",
            {"nominations": [], "loans": [], "bookings": []},
        )
    resident, actor = _me(request)
    if request.method == "POST":
        booking = get_object_or_404(Booking, pk=request.POST.get("booking") or 0, resident=resident)
        try:
            sessions.cancel(actor=actor, booking=booking)
        except Invalid as refused:
            messages.error(request, refused.errors["booking"])
        else:
            messages.success(request, _("Your booking is cancelled."))
        return redirect("portal:my_devices")
    return render(
        request,
        "portal/inclusion/my_devices.html",
        {
            "nominations": resident.inclusion_nominations.exclude(
                status__in=["offered", "lent", "closed"]
            ),
            "loans": selectors.resident_loans(resident).prefetch_related("survey"),
            "bookings": selectors.resident_bookings(resident),
        },
    )


@login_required
@never_cache
def loan_accept(request, loan_id: int):
    resident, actor = _me(request)
    loan = get_object_or_404(Loan.objects.select_related("device"), pk=loan_id, resident=resident)
    if loan.status != Loan.Status.OFFERED:
        return redirect("portal:my_devices")
    errors: dict[str, str] = {}
    places = handover_places()
    if request.method == "POST":
        try:
            lending.accept(
                actor=actor,
                loan=loan,
                agreed=request.POST.get("agreed") == "yes",
                handover=request.POST.get("handover", ""),
                handover_on=date_from(request.POST, "handover_on"),
                place=request.POST.get("place", ""),
                places=places,
            )
        except Invalid as refused:
            errors = refused.errors
        else:
            messages.success(request, _("Thank you. Your device is booked."))
            return redirect("portal:my_devices")
    return render(
        request,
        "portal/inclusion/accept.html",
        {
            "loan": loan,
            "places": places,
            "handovers": Loan.Handover.choices,
            "errors": errors,
            "posted": request.POST,
        },
        status=400 if errors else 200,
    )


@login_required
@never_cache
def survey(request, loan_id: int):
    resident, actor = _me(request)
    item = get_object_or_404(Survey, loan_id=loan_id, loan__resident=resident)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            lending.survey_answer(
                actor=actor,
                survey=item,
                can_do=request.POST.getlist("can_do"),
                confidence=request.POST.get("confidence", ""),
                comment=request.POST.get("comment", ""),
            )
        except Invalid as refused:
            errors = refused.errors
        else:
            messages.success(request, _("Thank you for answering."))
            return redirect("portal:my_devices")
    return render(
        request,
        "portal/inclusion/survey.html",
        {
            "survey": item,
            "choices": CanDo.choices,
            "errors": errors,
            "picked": request.POST.getlist("can_do"),
            "posted": request.POST,
            "scale": ["1", "2", "3", "4", "5"],
        },
        status=400 if errors else 200,
    )
