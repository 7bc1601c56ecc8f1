"""What a caller waiting for a person can do instead: book a call back at a time they choose, or
leave a voicemail that becomes a request (``telephony.services.book_callback`` and
``leave_voicemail``). Part of ``session.CallSession``."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from borough.telephony import services as telephony

from . import audio
from .listening import Endpointer, Transport, tone
from .speech import Recogniser


class WhileWaiting:
    """The call back and voicemail steps of a call session (the attributes are the session's)."""

    call: Any
    caller: str
    transport: Transport
    stt: Recogniser
    endpointer: Endpointer
    clock: Callable[[], float]
    outcome: str
    _mode: str
    _waiting: bool
    _hung_up: threading.Event

    def say(self, text: str, *, wait: bool = False) -> None:
        raise NotImplementedError

    def _callback_times(self) -> list[tuple[str, datetime.datetime]]:
        now = timezone.localtime()
        tomorrow = (now + datetime.timedelta(days=1)).replace(
            hour=9, minute=30, second=0, microsecond=0
        )
        afternoon = (now + datetime.timedelta(days=1)).replace(hour=14, minute=0, second=0)
        return [
            ("within the next hour", now + datetime.timedelta(minutes=45)),
            ("tomorrow morning, after half past nine", tomorrow),
            ("tomorrow afternoon, after two o'clock", afternoon.replace(microsecond=0)),
        ]

    def _offer_callback_times(self) -> None:
        self._mode = "callback"
        times = self._callback_times()
        said = " ".join(f"Press {i} for {label}." for i, (label, _) in enumerate(times, start=1))
        self.say(f"When should we call you back on the number you are calling from? {said}")

    def _choose_callback(self, key: str) -> None:
        times = self._callback_times()
        if not key.isdigit() or not 1 <= int(key) <= len(times):
            self.say("Please press 1, 2 or 3.")
            return
        label, when = times[int(key) - 1]
        telephony.book_callback(self.call, when=when, number=self.caller)
        self.outcome = "callback"
        self._waiting = False
        self.say(f"Thank you. We will call you back {label}. Goodbye.", wait=True)
        self._mode = "ended"
        self.transport.hang_up()

    def _start_voicemail(self) -> None:
        self._mode = "voicemail"
        self._voicemail_audio: list[bytes] = []
        self._voicemail_started = self.clock()
        self.say(
            "Please leave your message after the tone, then press the hash key or hang up.",
            wait=True,
        )
        self.transport.play(tone())
        self._recording_voicemail = True

    def _end_voicemail(self) -> None:
        pcm = b"".join(self._voicemail_audio)
        transcript = self.stt.transcribe(pcm) if pcm else ""
        telephony.leave_voicemail(self.call, transcript=transcript, audio_wav=audio.wav_bytes(pcm))
        self.outcome = "voicemail"
        self._waiting = False
        self.say("Thank you. Your message has been passed on. Goodbye.", wait=True)
        self._mode = "ended"
        self.transport.hang_up()

    def _end_voicemail_after_hang_up(self) -> None:
        turn = b"".join(self.endpointer.frames)
        if turn:
            self._voicemail_audio.append(turn)
        pcm = b"".join(self._voicemail_audio)
        if pcm and self.call is not None:
            telephony.leave_voicemail(
                self.call, transcript=self.stt.transcribe(pcm), audio_wav=audio.wav_bytes(pcm)
            )
            self.outcome = "voicemail"
