"""A call's dialogue with the audio path faked at its two ends (speech to text scripted, the
transport keeping what is played); the voice activity detection, the keys, barge-in and the
dialogue are real. The calls placed over SIP are in test_calls.py."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from borough.cases.models import Case
from borough.telephony import services as telephony_services
from borough.telephony.models import Call, CallRecording, CallTurn, QueueEntry
from borough.voice import audio
from borough.voice.session import CallSession
from tests.factories import ResidentFactory

from .conftest import CALLER, COUNCIL, FakeTransport, ScriptedRecogniser

pytestmark = pytest.mark.django_db

SILENCE = b"\0" * audio.FRAME_BYTES


class Caller:
    """Puts a caller's turns (spoken by eSpeak NG, then 0.6 s of silence) and keys in the
    session's queue, then runs the call to its end in this thread."""

    def __init__(self, tts, script):
        self.tts = tts
        self.transport = FakeTransport()
        self.stt = ScriptedRecogniser([text for kind, text in script if kind == "say"])
        clock = itertools.count(0.0, 0.25)
        self.session = CallSession(
            self.transport,
            dialled=COUNCIL,
            caller=CALLER,
            stt=self.stt,
            tts=tts,
            clock=lambda: next(clock),
        )
        for kind, value in script:
            if kind == "say":
                self.session.feed_audio(tts.synthesise(value) + SILENCE * 40)
            else:
                for key in value:
                    self.session.feed_dtmf(key)
        self.session.caller_hung_up()

    def run(self):
        self.session._hung_up.clear()  # the hang-up is the last event in the queue
        self.session.run(own_connection=False)
        return self.session


def test_a_missed_bin_reported_by_voice_confirms_the_postcode_and_spells_the_reference(line, tts):
    session = Caller(
        tts,
        [
            ("say", "I want to report a missed bin"),
            ("say", "U B 8, 1 Q A."),
            ("keys", "1"),  # the first address listed
            ("keys", "2"),  # the second kind of bin
            ("say", "Yes."),
            ("say", "Today."),
            ("say", "Skip."),
            ("say", "Yes."),
        ],
    ).run()
    said = "\n".join(session.said)
    case = Case.objects.get()
    assert case.service.slug == "report-missed-bin"
    assert case.channel == "voice" and "1 Acacia Avenue" in str(case.property)
    # The postcode and the house number are read back, the reference spelt out.
    assert "U, B, 8; 1, Q, A" in said
    assert "Press 1 for number" in said
    assert "That is: " in said and case.reference in said
    call = Call.objects.get()
    assert call.outcome == Call.Outcome.RESOLVED
    assert CallTurn.objects.filter(call=call, speaker="caller", dtmf="1").exists()
    # The line records calls: the recording is kept, from the notice on.
    assert CallRecording.objects.filter(call=call).exists()


def test_pressing_0_joins_the_queue_and_the_caller_is_put_through_when_an_agent_takes_it(
    line, tts, monkeypatch
):
    caller = Caller(tts, [("keys", "0")])
    session = caller.session
    taken = {"done": False}

    def agent_takes_it(call):
        # The hub's agent takes the call once it waits (telephony.call_take sets transfer_to).
        entry = QueueEntry.objects.filter(call=call).first()
        if entry is not None and not taken["done"]:
            Call.objects.filter(pk=call.pk).update(transfer_to="sip:agent@council.example")
            taken["done"] = True
        return Call.objects.get(pk=call.pk).transfer_to or None

    monkeypatch.setattr(telephony_services, "transfer_target", agent_takes_it)
    session._hung_up.clear()
    # The caller stays on the line: no hang-up after the key.
    items = [item for item in session.events.items.queue if item[0] != "hangup"]
    session.events.items.queue.clear()
    for item in items:
        session.events.items.put(item)
    session.run(own_connection=False)
    entry = QueueEntry.objects.get()
    assert entry.reason == "asked"
    assert caller.transport.transferred_to == ["sip:agent@council.example"]
    assert "Putting you through now." in session.said
    assert Call.objects.get().outcome == Call.Outcome.TRANSFERRED


def test_pressing_9_after_the_notice_means_the_call_is_not_recorded(line, tts):
    session = Caller(tts, [("keys", "9")]).run()
    assert any(said.startswith("This call will not be recorded.") for said in session.said)
    assert not CallRecording.objects.exists()


def test_a_caller_known_by_their_number_answers_a_security_question_before_hearing_their_request(
    line, tts, make_case
):
    resident = ResidentFactory(phone=CALLER, date_of_birth=dt.date(1970, 3, 14))
    case = make_case(resident=resident)
    wrong = Caller(tts, [("say", "Where is my request?"), ("keys", "01011980")]).run()
    assert "For your security" in wrong.said[-2]
    assert "does not match our records" in wrong.said[-1]
    assert not any(case.reference in said for said in wrong.said)

    right = Caller(tts, [("say", "Where is my request?"), ("keys", "14031970")]).run()
    said = "\n".join(right.said)
    assert f"Request {case.reference}. That is: " in said  # the reference spelt out
    assert "(Report a missed bin collection): Received." in said
