"""Real calls (issue 21's acceptance): Debian's baresip calls the gateway over SIP with G.711
audio and speaks recorded speech made by eSpeak NG; the gateway hears it with Whisper, answers
through the chat's dialogue and speaks with eSpeak NG; each test checks what Borough did (the
case, the queue, the transfer) and what the caller heard, transcribed back from the phone's
received audio.

Marked ``calls``: about 25 seconds each on two cores (real time: the caller must speak and
listen), so they run once, on the PostgreSQL leg, with the speech models loaded once per session.
"""

from __future__ import annotations

import time

import pytest
from django.utils import timezone

from borough.assistant import nlu
from borough.cases.models import Case
from borough.telephony import services as telephony
from borough.telephony.models import Call, QueueEntry
from borough.voice import audio, speech
from borough.voice.session import CallSession
from borough.voice.sip import SipGateway, SipSettings

from .conftest import CALLER, COUNCIL
from .phones import BARESIP, Phone, free_port, spoken_wav

pytestmark = [
    pytest.mark.calls,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(BARESIP is None, reason="baresip (Debian package) is not installed"),
]


@pytest.fixture(scope="session")
def gateway():
    stt = speech.recogniser()  # loaded once for the three calls
    nlu.understand("hello")  # and the assistant's understanding
    port = free_port()
    rtp = free_port()
    gateway = SipGateway(
        SipSettings(listen=f"127.0.0.1:{port}", rtp_ports=f"{rtp}-{rtp + 40}"),
        lambda transport, **call: CallSession(transport, stt=stt, **call),
    ).serve_in_thread()
    gateway.address = f"127.0.0.1:{port}"
    yield gateway
    gateway.stop()


def wait_for(what, *, timeout: float = 20.0, every: float = 0.1):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = what()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"waited {timeout}s for {what.__doc__ or what}")


class Conversation:
    """The caller's side of a call: say or press something, then wait for the answer."""

    def __init__(self, gateway, phone, tts, folder):
        self.phone, self.tts, self.folder = phone, tts, folder
        count = len(gateway.sessions)
        phone.dial(COUNCIL, gateway.address)
        self.session = wait_for(lambda: len(gateway.sessions) > count and gateway.sessions[-1])
        # The recording notice, then the greeting has started.
        wait_for(lambda: len(self.session.said) >= 2)
        time.sleep(1.0)

    def _answered(self, before: int) -> None:
        wait_for(lambda: len(self.session.said) > before, timeout=25)

    def say(self, text: str) -> None:
        before = len(self.session.said)
        self.phone.say(spoken_wav(self.folder, self.tts, text, name=f"turn{before}"))
        self._answered(before)
        time.sleep(0.5)

    def press(self, keys: str) -> None:
        before = len(self.session.said)
        self.phone.press(keys)
        self._answered(before)
        time.sleep(0.5)


def hung_up(gateway) -> None:
    """The gateway has finished with the last call (before the test's database goes)."""
    if gateway.sessions:
        wait_for(lambda: gateway.sessions[-1].done, timeout=15)


def last_reply_heard(phone: Phone, seconds: float = 6.0) -> str:
    """The start of the last reply the phone received, transcribed: the audio after the last
    pause of 0.7 s or more (the caller's turn and the gateway's thinking), ``seconds`` of it."""
    received = phone.heard()
    frames = [received[i : i + 320] for i in range(0, len(received) - 319, 320)]
    quiet = [audio.level_db(frame) < -45 for frame in frames]
    start, run = 0, 0
    for index, silent in enumerate(quiet):
        run = run + 1 if silent else 0
        if not silent and index and quiet[index - 1] and run_before(quiet, index) >= 35:
            start = index
    clip = b"".join(frames[start : start + int(seconds * 50)])
    return speech.recogniser().transcribe(clip).casefold()


def run_before(quiet: list[bool], index: int) -> int:
    count = 0
    while index - count - 1 >= 0 and quiet[index - count - 1]:
        count += 1
    return count


def test_a_missed_bin_reported_by_voice_creates_the_case_at_the_address(
    gateway, line, tts, tmp_path
):
    phone = Phone(tmp_path / "caller", CALLER)
    try:
        call = Conversation(gateway, phone, tts, tmp_path)
        call.say("My bin was not collected")  # speaks over the greeting (barge-in)
        call.say("U B 8, 1 Q A")  # read back as "U, B, 8; 1, Q, A"
        call.press("1")  # 1 Acacia Avenue
        call.press("2")  # recycling
        call.press("1")  # the bin was out
        call.press(timezone.localdate().strftime("%d%m%Y") + "#")  # the date, keyed
        call.press("1")  # "Press 1 for Skip": nothing else to add
        call.say("Yes")
        case = wait_for(lambda: Case.objects.filter(service__slug="report-missed-bin").first())
        time.sleep(7)  # the confirmation is heard
        heard = last_reply_heard(phone)
    finally:
        phone.hang_up()
        hung_up(gateway)
    session = call.session
    assert session.posted[:2] == ["My bin was not collected.", "UB8 1QA"]
    assert case.property is not None and "1 Acacia Avenue" in str(case.property)
    assert case.channel == "voice"
    assert case.answers["bin_type"] == "recycling"
    assert any("U, B, 8; 1, Q, A" in said for said in session.said)
    assert "sent" in heard and "reference" in heard  # "Your request has been sent..."
    wait_for(lambda: Call.objects.filter(ended_at__isnull=False).exists(), timeout=10)
    assert Call.objects.get().contact.case == case


def test_a_safeguarding_phrase_puts_the_call_at_the_head_of_the_queue(gateway, line, tts, tmp_path):
    # Someone is already waiting for a person on the same line.
    routing = telephony.route_call(dialled=COUNCIL, caller="+447700900999")
    earlier = telephony.call_started(
        dialled=COUNCIL, caller="+447700900999", channel="sip", routing=routing
    )
    telephony.call_wants_person(earlier, reason="asked")
    phone = Phone(tmp_path / "caller", CALLER)
    try:
        call = Conversation(gateway, phone, tts, tmp_path)
        call.say("I am frightened, my partner hits me and I am not safe at home")
        entry = wait_for(lambda: QueueEntry.objects.exclude(call=earlier).first())
        time.sleep(6)
        heard = last_reply_heard(phone)
    finally:
        phone.hang_up()
        hung_up(gateway)
    urgent = entry.call
    urgent.refresh_from_db()
    assert urgent.urgent
    assert telephony.queue_position(urgent)[0] == 1 or urgent.ended_at is not None
    assert telephony.queue_position(earlier)[0] == 2 or urgent.ended_at is not None
    # The emergency numbers are read out, digit by digit.
    assert "call nine nine nine now" in " ".join(call.session.said)
    # What the caller heard starts with it ("If you or someone else is in immediate danger, call
    # nine nine nine now"), as well as Whisper tiny hears eSpeak NG on G.711.
    assert any(w in heard for w in ("999", "9 9 9", "nine", "danger", "immediate", "someone else"))


def test_pressing_0_puts_the_caller_through_to_a_person(gateway, line, tts, tmp_path):
    agent = Phone(tmp_path / "agent", "agent", answer=True).start()
    phone = Phone(tmp_path / "caller", CALLER)
    try:
        call = Conversation(gateway, phone, tts, tmp_path)
        call.press("0")
        waiting = wait_for(lambda: QueueEntry.objects.filter(taken_at=None).first())
        # An agent takes the call in the hub: the gateway transfers it to their phone.
        Call.objects.filter(pk=waiting.call_id).update(transfer_to=agent.uri)
        QueueEntry.objects.filter(pk=waiting.pk).update(taken_at=timezone.now())
        wait_for(lambda: "Call established" in agent.output(), timeout=20)
    finally:
        phone.hang_up()
        agent.hang_up()
        hung_up(gateway)
    assert waiting.reason == "asked"
    assert any("Putting you through" in said for said in call.session.said)
    wait_for(lambda: Call.objects.filter(pk=waiting.call_id, ended_at__isnull=False).exists())
    assert Call.objects.get(pk=waiting.call_id).outcome == Call.Outcome.TRANSFERRED
