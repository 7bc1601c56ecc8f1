"""The demo borough's phone lines (issue 21): a routing plan of three numbers, and a handful
of calls today through the same services the voice gateway calls: some the assistant
resolved, one abandoned, callers waiting (one with safeguarding signs, one with needs
recorded), one taken by the demo agent, a call back booked and a voicemail raised as a request.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db.models import Count
from django.utils import timezone

from borough.accounts.models import User
from borough.cases.models import Case
from borough.core.actors import StaffActor, SystemActor
from borough.people.models import Resident
from borough.telephony import services
from borough.telephony.models import Call, QueueEntry
from borough.telephony.numbers import e164
from borough.telephony.plan_file import plan_import

from .context import Demo

WEEKDAYS = {day: ["08:30-17:30"] for day in ("mon", "tue", "wed", "thu", "fri")}

PLAN: dict[str, Any] = {
    "version": 1,
    "queues": [
        {"slug": "contact-centre", "name": "Contact centre", "team": "customer-experience"},
        {"slug": "repairs", "name": "Housing repairs", "team": "housing-repairs"},
    ],
    "lines": [
        {
            "slug": "repairs",
            "name": "Housing repairs",
            "numbers": ["+441632960100"],
            "service": "report-housing-repair",
            "team": "housing-repairs",
            "greeting": "Housing repairs. Tell me what needs fixing, or say 'person'.",
            "opening_hours": {**WEEKDAYS, "sat": ["09:00-12:00"]},
            "closed_on_bank_holidays": True,
            "out_of_hours_message": "We are closed. For an emergency repair, such as a flood, "
            "no heating or an unsafe door, stay on the line to be put through.",
            "out_of_hours_transfer": "sip:emergency-repairs@pbx.council.example",
            "queue": "repairs",
            "record_calls": True,
            "recording_retention_days": 90,
            "teams_queue_uri": "sip:repairs-cq@council.example",
            "voicemail_service": "phone-message",
        },
        {
            "slug": "bins",
            "name": "Bins and recycling",
            "numbers": ["+441632960200"],
            "service": "report-missed-bin",
            "team": "waste",
            "greeting": "Bins and recycling. You can report a missed bin or ask your bin day.",
            "opening_hours": WEEKDAYS,
            "out_of_hours_message": "We are closed. Report a missed bin at any time online.",
            "queue": "contact-centre",
            "record_calls": False,
            "recording_retention_days": 30,
            "voicemail_service": "phone-message",
        },
        {
            "slug": "parking",
            "name": "Parking",
            "numbers": ["+441632960300", "+441632960301"],
            "service": "apply-for-resident-parking-permit",
            "team": "parking",
            "greeting": "Parking services: permits, tickets and parking problems.",
            "opening_hours": WEEKDAYS,
            "out_of_hours_message": "We are closed. Leave a message and we will call you back.",
            "queue": "contact-centre",
            "record_calls": False,
            "recording_retention_days": 30,
            "voicemail_service": "phone-message",
        },
    ],
}

SAID = (
    ("bins", "When is my recycling collected?", "resolved"),
    ("bins", "My bin was not emptied on Monday.", "resolved"),
    ("parking", "How much is a resident permit?", "resolved"),
    ("repairs", "I want to report a leaking tap.", "abandoned"),
)


def _call(number: str, caller: str, minutes_ago: int) -> Call:
    routing = services.route_call(dialled=number, caller=caller)
    call = services.call_started(dialled=number, caller=caller, channel="sip", routing=routing)
    started = timezone.now() - dt.timedelta(minutes=minutes_ago)
    Call.objects.filter(pk=call.pk).update(started_at=started)
    call.started_at = started
    services.call_turn(call, speaker="assistant", text=routing.greeting)
    return call


def _wait(call: Call, reason: str, minutes: float) -> None:
    services.call_wants_person(call, reason=reason)
    entered = timezone.now() - dt.timedelta(minutes=minutes)
    QueueEntry.objects.filter(call=call).update(entered_at=entered)


def make_telephony(demo: Demo, staff: dict[str, User]) -> None:
    plan_import(actor=SystemActor("demo"), text=json.dumps(PLAN))
    numbers = {line["slug"]: line["numbers"][0] for line in PLAN["lines"]}
    # Callers are residents of the demo with a phone number of their own.
    callers = list(
        Resident.objects.exclude(phone="")
        .annotate(n=Count("needs"))
        .order_by("-n", "pk")
        .values_list("phone", flat=True)[:12]
    )
    callers = [c for c in callers if e164(c)] or ["+447700900123"] * 8
    pick = iter(callers * 2)
    for slug, text, outcome in SAID:
        call = _call(numbers[slug], next(pick), demo.rng.randint(20, 300))
        services.call_turn(call, speaker="caller", text=text)
        if outcome == "abandoned":
            services.call_wants_person(call, reason="Repair")
        services.call_ended(call, outcome=outcome)
    # Waiting now: a safeguarding call, a resident with needs recorded, and an ordinary one.
    urgent = _call(numbers["repairs"], next(pick), 6)
    services.call_turn(
        urgent, speaker="caller", text="The ceiling is coming down and I'm scared, he hits me."
    )
    services.call_signs(urgent, signs=["domestic abuse", "fear"], urgent=True)
    _wait(urgent, "Safeguarding: signs the caller may be at risk", 1)
    for slug, reason, minutes in (("bins", "Asked for a person", 4), ("parking", "A ticket", 2)):
        call = _call(numbers[slug], next(pick), minutes + 1)
        services.call_turn(call, speaker="caller", text="", dtmf="0")
        _wait(call, reason, minutes)
    # Taken by the demo agent (put through to the line's Teams queue), a call back, a voicemail.
    agent = staff.get("agent@council.example")
    taken = _call(numbers["parking"], next(pick), 3)
    services.call_turn(taken, speaker="caller", text="I need to talk about my permit.")
    _wait(taken, "Parking permit", 2)
    if agent is not None:
        services.agent_phone_save(
            actor=StaffActor(agent), sip_address="sip:amir@pbx.council.example"
        )
        services.call_take(call=taken, actor=StaffActor(agent))
    back = _call(numbers["repairs"], next(pick), 15)
    _wait(back, "Boiler repair", 12)
    services.book_callback(
        back, when=timezone.now() + dt.timedelta(hours=1), number=back.caller or callers[0]
    )
    services.call_ended(back, outcome="callback")
    message = _call(numbers["parking"], next(pick), 200)
    said = "My visitor permit did not arrive. Please call me back on this number."
    services.call_turn(message, speaker="caller", text=said)
    case = services.leave_voicemail(message, transcript=said, audio_wav=None)
    # The demo's references come from its seed, so the borough is the same every time.
    used = set(Case.objects.values_list("reference", flat=True))
    Case.objects.filter(pk=case.pk).update(reference=demo.reference(used))
    services.call_ended(message, outcome="voicemail")
    demo.progress(f"Phone lines: 3 lines, {Call.objects.count()} calls today")
