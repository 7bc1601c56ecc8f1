"""What the voice gateway calls, call by call (issue 21, points 4-6), and what agents do.

The gateway (``borough.voice``) asks ``route_call`` what to do with a call, tells Borough the
call started, what was said, what the assistant noticed, that the caller wants a person, and
how it ended. Borough keeps the call, orders the queue, says where to transfer a call an agent
took, and records the call as a contact on the resident's history. The gateway's calls act as
Borough itself (``SystemActor("voice-gateway")``); agents' actions in the hub take their
``StaffActor`` and ask ``accounts.telephony_policies``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from borough.accounts.telephony_policies import may_handle_call
from borough.cases.create import case_create
from borough.cases.errors import NotAllowed
from borough.cases.models import Case
from borough.contacts.models import Contact
from borough.contacts.services import contact_record
from borough.core.actors import Actor, SystemActor, staff_user
from borough.core.channels import Channel
from borough.core.services import audit_record
from borough.people.models import ResidentNeed

from .models import (
    AgentPhone,
    Call,
    Callback,
    CallPriority,
    CallQueue,
    CallRecording,
    CallTurn,
    Line,
    PhoneNumber,
    QueueEntry,
)
from .numbers import e164, residents_with_number
from .plan import line_is_open, sip_uri_problem, voicemail_answers

GATEWAY = SystemActor("voice-gateway")


class CallInvalid(ValueError):
    """What the gateway or an agent asked cannot be done; the message says why, in words a
    member of staff (or the gateway's log, which never holds personal data) can act on."""


class RecordingRefused(CallInvalid):
    """A recording Borough may not keep: the line does not record, or the caller was not told."""


@dataclass(frozen=True)
class Routing:
    """What to do with a call to a number, now."""

    line: Line | None  # None: not in the plan: "not in service", hang up
    open_now: bool
    greeting: str
    out_of_hours_message: str
    out_of_hours_transfer: str  # SIP URI (emergency repairs, say) or ""
    record_calls: bool
    recording_notice: str  # read to the caller before any recording starts
    service_slug: str | None
    queue: CallQueue | None


NOT_IN_SERVICE = Routing(
    line=None,
    open_now=False,
    greeting="",
    out_of_hours_message="",
    out_of_hours_transfer="",
    record_calls=False,
    recording_notice="",
    service_slug=None,
    queue=None,
)


def route_call(*, dialled: str, caller: str, at: dt.datetime | None = None) -> Routing:
    """The line that answers ``dialled`` and whether it is open ``at`` (now by default).

    Read from the database on every call (one query), so a change to the plan applies to the
    next call. ``caller`` is not used for routing (the resident is found in ``call_started``).
    """
    number = e164(dialled) or (dialled or "").strip()
    found = (
        PhoneNumber.objects.select_related("line__queue", "line__service")
        .filter(number=number)
        .first()
    )
    if found is None:
        return NOT_IN_SERVICE
    line = found.line
    return Routing(
        line=line,
        open_now=line_is_open(line, at or timezone.now()),
        greeting=line.greeting,
        out_of_hours_message=line.out_of_hours_message,
        out_of_hours_transfer=line.out_of_hours_transfer,
        record_calls=line.record_calls,
        recording_notice=line.recording_notice if line.record_calls else "",
        service_slug=line.service.slug if line.service else None,
        queue=line.queue,
    )


def _priority(call: Call) -> int:
    if call.urgent:
        return CallPriority.URGENT
    if call.signs:
        return CallPriority.VULNERABILITY
    if (
        call.resident_id is not None
        and ResidentNeed.objects.filter(resident_id=call.resident_id, withdrawn_at=None).exists()
    ):
        return CallPriority.RECORDED_NEEDS
    return CallPriority.NORMAL


def call_started(
    *, dialled: str, caller: str, channel: str, routing: Routing, conversation=None
) -> Call:
    """A call came in and the gateway answered it. The caller's record is found by their
    number when exactly one resident has it (a number shared in a household finds no one:
    the assistant asks instead); a resident with needs recorded with consent is queued ahead.
    """
    if channel not in Call.ChannelKind.values:
        raise CallInvalid(f"Unknown call channel {channel!r}: sip or websocket")
    number = e164(caller)
    resident = None
    if number:
        found = list(residents_with_number(number)[:2])
        resident = found[0] if len(found) == 1 else None
    if resident is None and conversation is not None and conversation.resident_id:
        resident = conversation.resident
    call = Call(
        line=routing.line,
        dialled=e164(dialled) or (dialled or "")[:20],
        caller=(number or "")[:20],
        channel=channel,
        open_at_start=routing.open_now,
        resident=resident,
        conversation=conversation,
        started_at=timezone.now(),
    )
    call.priority = _priority(call)
    call.save()
    return call


def call_turn(call: Call, *, speaker: str, text: str, dtmf: str = "") -> None:
    """Keep one thing said (or keys pressed) in the call's transcript."""
    if speaker not in CallTurn.Speaker.values:
        raise CallInvalid(f"Unknown speaker {speaker!r}: caller, assistant or agent")
    CallTurn.objects.create(
        call=call, at=timezone.now(), speaker=speaker, text=text or "", dtmf=(dtmf or "")[:32]
    )


def call_signs(call: Call, *, signs: list[str], urgent: bool) -> None:
    """What the assistant noticed (safeguarding or vulnerability signs) raises the call's
    priority, and its place in the queue if it is waiting. Signs only add up in a call."""
    with transaction.atomic():
        locked = Call.objects.select_for_update().get(pk=call.pk)
        locked.signs = list(dict.fromkeys([*locked.signs, *(s for s in signs if s)]))
        locked.urgent = locked.urgent or urgent
        locked.priority = _priority(locked)
        locked.save(update_fields=["signs", "urgent", "priority"])
        QueueEntry.objects.filter(call=locked).update(priority=locked.priority)
    call.signs, call.urgent, call.priority = locked.signs, locked.urgent, locked.priority


def call_wants_person(call: Call, *, reason: str) -> QueueEntry:
    """The caller asked for a person (or the assistant handed over): the call waits in the
    line's queue, ordered by priority (urgent signs, signs of vulnerability, needs recorded
    with consent, everyone else) then by how long it has waited. Asking again keeps the place.
    """
    call.refresh_from_db(fields=["priority", "line"])
    queue = call.line.queue if call.line is not None else None
    entry, created = QueueEntry.objects.get_or_create(
        call=call,
        defaults={
            "queue": queue,
            "reason": (reason or "")[:200],
            "priority": call.priority,
            "entered_at": timezone.now(),
        },
    )
    if not created and entry.left_at is not None and entry.taken_at is None:
        entry.left_at, entry.entered_at = None, timezone.now()
        entry.save(update_fields=["left_at", "entered_at"])
    return entry


# Seconds a place in the queue is expected to take when the queue took no calls in the last
# hour to learn from.
DEFAULT_SECONDS_PER_PLACE = 180


def queue_position(call: Call) -> tuple[int, int]:
    """(position from 1, estimated wait in seconds) of a waiting call; (0, 0) once it is
    taken or left. The estimate is the position times the time between calls taken from the
    same queue in the last hour (three minutes a place with none taken)."""
    entry = QueueEntry.objects.filter(call=call, taken_at=None, left_at=None).first()
    if entry is None:
        return 0, 0
    waiting = QueueEntry.objects.filter(queue_id=entry.queue_id, taken_at=None, left_at=None)
    ahead = (
        waiting.filter(priority__gt=entry.priority).count()
        + waiting.filter(priority=entry.priority, entered_at__lt=entry.entered_at).count()
        + waiting.filter(
            priority=entry.priority, entered_at=entry.entered_at, pk__lt=entry.pk
        ).count()
    )
    position = ahead + 1
    taken = QueueEntry.objects.filter(
        queue_id=entry.queue_id, taken_at__gte=timezone.now() - dt.timedelta(hours=1)
    ).count()
    per_place = min(900, max(30, 3600 // taken)) if taken else DEFAULT_SECONDS_PER_PLACE
    return position, position * per_place


def transfer_target(call: Call) -> str | None:
    """Where the gateway bridges the call once an agent took it in the hub (their SIP address
    or the line's Teams queue URI); None until then."""
    call.refresh_from_db(fields=["transfer_to", "agent"])
    return call.transfer_to or None


def transfer_whisper(call: Call) -> str:
    """What the gateway says to the agent before bridging (warm transfer): who is calling,
    why, and any signs. The hub's call page shows the same."""
    call.refresh_from_db()
    entry = QueueEntry.objects.filter(call=call).first()
    who = call.resident.full_name if call.resident else "A caller we could not identify"
    line = call.line.name if call.line else "an unknown number"
    parts = [f"{who}, calling {line}."]
    if entry and entry.reason:
        parts.append(f"They want: {entry.reason}.")
    if call.urgent:
        parts.append("Urgent: safeguarding signs.")
    elif call.signs:
        parts.append("Signs of vulnerability: " + ", ".join(call.signs) + ".")
    return " ".join(parts)


def book_callback(call: Call, *, when: dt.datetime, number: str) -> Callback:
    """The caller chose a call back at ``when`` rather than wait: it is on the hub's callbacks
    list from then, and the call leaves the queue."""
    normalised = e164(number)
    if normalised is None:
        raise CallInvalid("The number to call back is not a phone number")
    if when < timezone.now() - dt.timedelta(minutes=5):
        raise CallInvalid("The time for the call back has passed")
    now = timezone.now()
    with transaction.atomic():
        callback = Callback.objects.create(
            call=call, due_at=when, number=normalised, created_at=now
        )
        QueueEntry.objects.filter(call=call, taken_at=None, left_at=None).update(left_at=now)
    return callback


def _contact_of(call: Call) -> Contact | None:
    if call.contact is not None:
        return call.contact
    if call.conversation is not None and call.conversation.contact is not None:
        return call.conversation.contact
    return None


def leave_voicemail(call: Call, *, transcript: str, audio_wav: bytes | None) -> Case:
    """The caller left a message: it becomes a request on the line's voicemail service (or its
    own), with the transcript as the answer to the form's text questions, for the caller's
    record when known. The audio, if any, is kept like a recording (the caller chose to leave
    it) for the line's retention period. Leaving it twice makes one request."""
    call.refresh_from_db()
    line = call.line
    service = (line.voicemail_service or line.service) if line else None
    if line is None or service is None:
        raise CallInvalid("This line has no service to raise voicemails on")
    case = case_create(
        actor=GATEWAY,
        service=service,
        answers=voicemail_answers(service, transcript),
        channel=Channel.VOICE,
        resident=call.resident,
        idempotency_key=f"voicemail:{call.pk}",
        contact_reason=f"Voicemail on {line.name}"[:200],
        contact=_contact_of(call),
    )
    call.case = case
    call.contact = Contact.objects.filter(case=case).order_by("pk").first()
    call.save(update_fields=["case", "contact"])
    if audio_wav and not CallRecording.objects.filter(call=call).exists():
        _keep_audio(call, audio_wav)
    return case


def recording_notice_played(call: Call) -> None:
    """The gateway read the line's recording notice to the caller: recording may start."""
    Call.objects.filter(pk=call.pk, recording_notice_played_at=None).update(
        recording_notice_played_at=timezone.now()
    )
    call.refresh_from_db(fields=["recording_notice_played_at"])


def _is_wav(audio: bytes) -> bool:
    return len(audio) > 12 and audio[:4] == b"RIFF" and audio[8:12] == b"WAVE"


def _keep_audio(call: Call, audio_wav: bytes) -> CallRecording:
    if not _is_wav(audio_wav):
        raise RecordingRefused("The recording is not a WAV file")
    now = timezone.now()
    days = call.line.recording_retention_days if call.line else 0
    recording = CallRecording(call=call, stored_at=now, delete_after=now + dt.timedelta(days=days))
    recording.audio.save(f"call-{call.pk}.wav", ContentFile(audio_wav), save=False)
    recording.save()
    return recording


def store_recording(call: Call, *, audio_wav: bytes) -> None:
    """Keep the call's recording until the line's retention period ends. Refused unless the
    line records calls and the caller was told first (``recording_notice_played``)."""
    call.refresh_from_db(fields=["recording_notice_played_at", "line"])
    if call.line is None or not call.line.record_calls:
        raise RecordingRefused("This line does not record calls")
    if call.recording_notice_played_at is None:
        raise RecordingRefused("The caller was not told the call is recorded")
    if CallRecording.objects.filter(call=call).exists():
        raise RecordingRefused("This call's recording is stored already")
    _keep_audio(call, audio_wav)


CONTACT_OUTCOMES: dict[str, str] = {
    Call.Outcome.RESOLVED: Contact.Outcome.ANSWERED,
    Call.Outcome.TRANSFERRED: Contact.Outcome.ANSWERED,
    Call.Outcome.ABANDONED: Contact.Outcome.NO_ACTION,
    Call.Outcome.VOICEMAIL: Contact.Outcome.REQUEST_RAISED,
    Call.Outcome.CALLBACK: Contact.Outcome.NO_ACTION,
}


def call_ended(call: Call, *, outcome: str) -> Contact:
    """The call is over: it is one contact on the resident's history (automated voice, or
    phone when an agent took it), with its transcript on the hub's call page. Ending it again
    returns the same contact."""
    if outcome not in Call.Outcome.values:
        raise CallInvalid(f"Unknown outcome {outcome!r}")
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        if call.ended_at is not None and call.contact is not None:
            return call.contact
        now = timezone.now()
        transferred_out = outcome == Call.Outcome.TRANSFERRED and call.agent_id is None
        case = call.case or (
            call.conversation.cases.order_by("pk").first() if call.conversation else None
        )
        channel = Channel.PHONE if call.agent_id else Channel.VOICE
        contact_outcome = Contact.Outcome.REFERRED if transferred_out else CONTACT_OUTCOMES[outcome]
        if case is not None and outcome == Call.Outcome.RESOLVED:
            contact_outcome = Contact.Outcome.REQUEST_RAISED
        contact = contact_record(
            channel=channel,
            resident=call.resident,
            case=case,
            service=case.service if case else (call.line.service if call.line else None),
            handled_by=call.agent,
            reason=f"Phone call to {call.line.name}" if call.line else "Phone call",
            outcome=contact_outcome,
            duration_seconds=max(0, int((now - call.started_at).total_seconds())),
            started_at=call.started_at,
            into=_contact_of(call),
        )
        if contact.channel != channel:  # a contact the chat recorded: the call was by phone
            contact.channel = channel
            contact.save(update_fields=["channel"])
        call.ended_at, call.outcome, call.contact, call.case = now, outcome, contact, case
        call.save(update_fields=["ended_at", "outcome", "contact", "case"])
        QueueEntry.objects.filter(call=call, taken_at=None, left_at=None).update(left_at=now)
    return contact


# ------------------------------------------------------------------ agents, in the hub


def call_take(*, call: Call, actor: Actor) -> Call:
    """An agent takes a waiting call: the gateway bridges it to their SIP address (their
    ``AgentPhone``) or, without one, to the line's Teams queue. Refused when another agent
    took it, the caller left, or there is nowhere to send it."""
    if not may_handle_call(actor, call):
        raise NotAllowed("You may not take calls to this line")
    agent = staff_user(actor)
    with transaction.atomic():
        call = Call.objects.select_for_update(of=("self",)).select_related("line").get(pk=call.pk)
        entry = QueueEntry.objects.select_for_update().filter(call=call).first()
        if call.ended_at is not None or entry is None or entry.left_at is not None:
            raise CallInvalid("The caller is no longer waiting")
        if entry.taken_by_id not in (None, agent.pk):
            raise CallInvalid("Another member of staff has taken this call")
        phone = getattr(agent, "agent_phone", None)
        target = phone.sip_address if phone else (call.line.teams_queue_uri if call.line else "")
        if not target:
            raise CallInvalid(
                "Add your phone's SIP address before taking calls: this line has no Teams queue"
            )
        now = timezone.now()
        entry.taken_at, entry.taken_by = entry.taken_at or now, agent
        entry.save(update_fields=["taken_at", "taken_by"])
        call.agent, call.transfer_to = agent, target
        call.save(update_fields=["agent", "transfer_to"])
    audit_record(
        actor=actor,
        action="changed",
        object_type="call",
        object_id=call.pk,
        resident_id=call.resident_id,
        summary=f"call {call.pk} taken",
    )
    return call


def callback_done(*, callback: Callback, actor: Actor) -> Callback:
    """A member of staff made the call back."""
    if not may_handle_call(actor, callback.call):
        raise NotAllowed("You may not handle calls to this line")
    if callback.done_at is None:
        callback.done_at, callback.done_by = timezone.now(), staff_user(actor)
        callback.save(update_fields=["done_at", "done_by"])
    return callback


def agent_phone_save(*, actor: Actor, sip_address: str) -> None:
    """A member of staff's own SIP address for warm transfers ("" removes it)."""
    user = staff_user(actor)
    if user is None:
        raise NotAllowed("Only staff have a phone for transfers")
    sip_address = (sip_address or "").strip()
    if not sip_address:
        AgentPhone.objects.filter(user=user).delete()
        return
    problem = sip_uri_problem(sip_address)
    if problem:
        raise CallInvalid(problem)
    AgentPhone.objects.update_or_create(user=user, defaults={"sip_address": sip_address})
