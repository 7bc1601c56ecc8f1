"""Digital inclusion for a resident on the phone (issue 26): an agent (or the team) sees one
resident's nominations, loans and sessions, nominates them, accepts a loan agreement on their
behalf after reading it to them, books and cancels sessions. And the team's sessions pages:
add a session, see its bookings and record who came."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from borough.core.actors import StaffActor
from borough.inclusion import selectors, sessions
from borough.inclusion import services as lending
from borough.inclusion.errors import Invalid
from borough.inclusion.forms import date_from, handover_places
from borough.inclusion.models import (
    Booking,
    DeviceKind,
    EligibilityRule,
    Loan,
    SkillsSession,
)
from borough.people.models import Resident

from .inclusion import assist_required, run_required


def _ids(values) -> list[int]:
    return [int(v) for v in values if str(v).isdigit()]


@assist_required
def resident(request, resident_id: int):
    person = get_object_or_404(Resident, pk=resident_id)
    actor = StaffActor(request.user)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            done = _act(actor, person, request.POST)
        except Invalid as refused:
            errors = refused.errors
        else:
            messages.success(request, done)
            return redirect("hub:inclusion_resident", person.pk)
    else:
        lending.audit(actor, "viewed", person, "digital inclusion page", person.pk)
    return render(
        request,
        "hub/inclusion/resident.html",
        {
            "person": person,
            "nominations": person.inclusion_nominations.select_related("partner"),
            "loans": selectors.resident_loans(person),
            "bookings": selectors.resident_bookings(person),
            "sessions": selectors.sessions_ahead(),
            "rules": EligibilityRule.objects.filter(active=True),
            "kinds": DeviceKind.choices,
            "places": handover_places(),
            "handovers": Loan.Handover.choices,
            "errors": errors,
            "posted": request.POST,
            "posted_rules": request.POST.getlist("rules"),
        },
        status=400 if errors else 200,
    )


def _act(actor: StaffActor, person: Resident, post) -> str:
    action = post.get("action", "")
    if action == "nominate":
        lending.nominate(
            actor=actor,
            resident=person,
            kind_wanted=post.get("kind_wanted", ""),
            reason=post.get("reason", ""),
            rule_ids=_ids(post.getlist("rules")),
            consent=post.get("consent") == "yes",
        )
        return "Nominated: waiting for a decision"
    if action == "accept":
        loan = get_object_or_404(Loan, pk=post.get("loan") or 0, resident=person)
        lending.accept(
            actor=actor,
            loan=loan,
            agreed=post.get("agreed") == "yes",
            handover=post.get("handover", ""),
            handover_on=date_from(post, "handover_on"),
            place=post.get("place", ""),
            places=handover_places(),
        )
        return "Loan agreement accepted on the resident's behalf, handover booked"
    if action == "book":
        session = SkillsSession.objects.filter(pk=post.get("session") or 0).first()
        if session is None:
            raise Invalid({"session": "Select a session"})
        sessions.book(actor=actor, session=session, resident=person, channel=Booking.Channel.PHONE)
        return f"Booked: {session.title}, {session.venue}"
    if action == "cancel":
        booking = get_object_or_404(Booking, pk=post.get("booking") or 0, resident=person)
        sessions.cancel(actor=actor, booking=booking)
        return "Booking cancelled"
    raise Invalid({"action": "Choose an action"})


def _times(post) -> tuple[dt.datetime | None, dt.datetime | None]:
    day = date_from(post, "day")
    try:
        start = dt.time.fromisoformat(post.get("start", "").strip())
        end = dt.time.fromisoformat(post.get("end", "").strip())
    except ValueError:
        return None, None
    if day is None:
        return None, None
    aware = timezone.make_aware
    return aware(dt.datetime.combine(day, start)), aware(dt.datetime.combine(day, end))


@run_required
def session_list(request):
    errors: dict[str, str] = {}
    if request.method == "POST":
        post = request.POST
        starts, ends = _times(post)
        capacity = post.get("capacity", "")
        if starts is None or ends is None:
            errors["day"] = "Enter a real date, and times like 10:00"
        elif starts <= timezone.now():
            errors["day"] = "The session must be in the future"
        else:
            session = SkillsSession(
                title=post.get("title", ""),
                venue=post.get("venue", ""),
                description=post.get("description", ""),
                starts_at=starts,
                ends_at=ends,
                capacity=int(capacity) if capacity.isdigit() else 0,
            )
            try:
                sessions.session_save(actor=StaffActor(request.user), session=session)
            except Invalid as refused:
                errors = refused.errors
            else:
                messages.success(request, f"Session added: {session.title}")
                return redirect("hub:inclusion_sessions")
    return render(
        request,
        "hub/inclusion/sessions.html",
        {
            "ahead": selectors.sessions_ahead(),
            "recent": selectors.sessions_recent(),
            "errors": errors,
            "posted": request.POST,
        },
        status=400 if errors else 200,
    )


@run_required
def session_page(request, session_id: int):
    session = get_object_or_404(SkillsSession, pk=session_id)
    errors: dict[str, str] = {}
    actor = StaffActor(request.user)
    if request.method == "POST":
        try:
            came = sessions.record_attendance(
                actor=actor, session=session, attended=set(_ids(request.POST.getlist("attended")))
            )
        except Invalid as refused:
            errors = refused.errors
        else:
            messages.success(request, f"Attendance recorded: {came} came")
            return redirect("hub:inclusion_session", session.pk)
    else:
        lending.audit(actor, "viewed", session, "session bookings", None)
    return render(
        request,
        "hub/inclusion/session.html",
        {
            "session": session,
            "bookings": session.bookings.filter(cancelled_at__isnull=True).select_related(
                "resident", "loan"
            ),
            "left": sessions.places_left(session),
            "started": session.starts_at <= timezone.now(),
            "errors": errors,
        },
        status=400 if errors else 200,
    )
