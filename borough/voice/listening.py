"""What a call is heard and played through: the transport a call session speaks to, the
endpointer that finds where the caller's turns end (WebRTC's VAD), the timings the evaluation
reads, and the call's audio mixed for its recording."""

from __future__ import annotations

import queue
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from . import audio

# End of the caller's turn: this much silence after speech (the reply starts after it).
END_SILENCE_MS = 500
# A turn is cut at this length (Whisper hears 10 seconds at a time).
MAX_TURN_MS = 10_000


class Transport(Protocol):
    """What carries the call's audio: SIP/RTP (``sip``) or a media stream (``mediastream``)."""

    def play(self, pcm: bytes) -> None:
        """Queue 8 kHz 16-bit PCM for the caller; returns at once."""

    def stop_playing(self) -> None:
        """Drop what is queued and not yet heard (barge-in)."""

    def transfer(self, uri: str) -> bool:
        """Hand the call to ``uri`` (blind transfer); True when the far end took it."""

    def hang_up(self) -> None: ...


@dataclass
class Timing:
    """For the evaluation: when each caller turn ended and when the reply started."""

    speech_end: float
    reply_start: float = 0.0
    heard: str = ""

    @property
    def latency(self) -> float:
        return self.reply_start - self.speech_end


@dataclass
class Events:
    items: queue.Queue = field(default_factory=queue.Queue)

    def put(self, kind: str, value=None) -> None:
        self.items.put((kind, value))


class Endpointer:
    """Finds the caller's turns in 20 ms frames with WebRTC's voice activity detector."""

    def __init__(self, aggressiveness: int = 2):
        import webrtcvad  # noqa: PLC0415 - a native module, only where calls are answered

        self._vad = webrtcvad.Vad(aggressiveness)
        self.frames: list[bytes] = []
        self.voiced_ms = 0
        self.silence_ms = 0
        self.in_speech = False
        self._onset: list[bytes] = []

    def push(self, frame: bytes) -> bytes | None:
        """The turn's audio when this frame ends it, else None."""
        voiced = self._vad.is_speech(frame, audio.RATE)
        if not self.in_speech:
            # Keep 200 ms before speech starts, so the first sound is not cut.
            self._onset = (self._onset + [frame])[-10:]
            self.voiced_ms = self.voiced_ms + audio.FRAME_MS if voiced else 0
            if self.voiced_ms >= 60:
                self.in_speech, self.frames, self.silence_ms = True, list(self._onset), 0
            return None
        self.frames.append(frame)
        if voiced:
            self.voiced_ms += audio.FRAME_MS
            self.silence_ms = 0
        else:
            self.silence_ms += audio.FRAME_MS
        if self.silence_ms >= END_SILENCE_MS or len(self.frames) * audio.FRAME_MS >= MAX_TURN_MS:
            turn = b"".join(self.frames)
            self.reset()
            return turn
        return None

    def reset(self) -> None:
        self.frames, self._onset, self.in_speech, self.voiced_ms, self.silence_ms = (
            [],
            [],
            False,
            0,
            0,
        )


def mixed(record_in: list[bytes], record_out: list[tuple[int, bytes]]) -> bytes:
    """Both sides of the call as heard, from the recording notice on: the caller's frames and
    what was played to them, each at the sample where it started."""
    caller = audio.to_float(b"".join(record_in))
    length = max([caller.size] + [at + len(pcm) // 2 for at, pcm in record_out])
    mix = np.zeros(length, dtype=np.float32)
    mix[: caller.size] += caller
    for at, pcm in record_out:
        said = audio.to_float(pcm)
        mix[at : at + said.size] += said
    return audio.to_pcm(mix)


def tone(seconds: float = 0.4, hertz: float = 1000.0) -> bytes:
    """The beep before a voicemail."""
    t = np.arange(int(audio.RATE * seconds)) / audio.RATE
    return audio.to_pcm(0.3 * np.sin(2 * np.pi * hertz * t))
