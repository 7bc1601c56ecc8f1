"""Voice tests: a routing plan whose line is open at every hour, the speech engines loaded once
per session, and a fake transport that keeps what the assistant said."""

from __future__ import annotations

import pytest

from borough.telephony.models import CallQueue, Line, PhoneNumber
from borough.voice import audio, speech

ALWAYS_OPEN = {day: ["00:00-24:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
COUNCIL = "+441632960300"
CALLER = "+447700900123"


@pytest.fixture
def line(catalogue, gazetteer):
    queue = CallQueue.objects.create(slug="contact-centre", name="Contact centre")
    council = Line.objects.create(
        slug="contact-centre",
        name="Contact centre",
        greeting="Welcome to the council.",
        opening_hours=ALWAYS_OPEN,
        closed_on_bank_holidays=False,
        queue=queue,
        record_calls=True,
        recording_retention_days=30,
        voicemail_service=catalogue["member-enquiry"],
    )
    PhoneNumber.objects.create(number=COUNCIL, line=council)
    return council


@pytest.fixture(scope="session")
def tts():
    return speech.synthesiser()


class FakeTransport:
    """Keeps the audio the session plays; the session's own clock says when it is heard."""

    def __init__(self):
        self.played: list[bytes] = []
        self.stopped = 0
        self.transferred_to: list[str] = []
        self.hung_up = False

    def play(self, pcm: bytes) -> None:
        self.played.append(pcm)

    def stop_playing(self) -> None:
        self.stopped += 1

    def transfer(self, uri: str) -> bool:
        self.transferred_to.append(uri)
        return True

    def hang_up(self) -> None:
        self.hung_up = True


class ScriptedRecogniser:
    """Speech to text for the unit tests: each turn heard is the next line of the script."""

    def __init__(self, script: list[str]):
        self.script = list(script)
        self.turns: list[bytes] = []

    def transcribe(self, pcm: bytes, rate: int = audio.RATE) -> str:
        self.turns.append(pcm)
        return self.script.pop(0) if self.script else ""
