"""One call, whatever carries it (SIP/RTP or a WebSocket media stream).

The transport feeds the caller's audio in 20 ms frames of 8 kHz PCM (``feed_audio``), the keys
pressed (``feed_dtmf``) and the hang-up (``caller_hung_up``); ``run`` is the call's life, in a
thread of its own: it asks ``telephony`` how the dialled number is routed, opens the call's
record and a conversation on the voice channel, then listens. Voice activity detection (WebRTC's
VAD) finds where the caller's turn ends; speech to text makes it words;
``assistant.services.conversation_post`` answers it, exactly as in the chat; ``spoken`` makes
the replies fit for the ear and the synthesiser speaks them. Speech while the assistant talks
stops its playback (barge-in). Keys are a fallback for every choice and 0 is a person at any
time. When the dialogue hands over, the call joins the line's queue
(``telephony.services.call_wants_person``) and is transferred to the agent's SIP address or
Teams queue once one takes it; a caller can ask for a callback or leave a voicemail while
waiting.

Nothing the caller says is logged; the transcript goes to the call's record only.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection

from borough.assistant.models import ChatMessage, Conversation
from borough.assistant.services import ChatInvalid, conversation_post, conversation_start
from borough.assistant.state import DialogueState
from borough.core.actors import ResidentActor
from borough.core.channels import Channel
from borough.telephony import services as telephony

from . import audio, spoken
from .listening import END_SILENCE_MS, Endpointer, Events, Timing, Transport, mixed
from .speech import Recogniser, Synthesiser, recogniser, synthesiser
from .waiting import WhileWaiting

logger = logging.getLogger(__name__)

# Speech this long while the assistant talks stops its playback (shorter is a cough or a click).
BARGE_IN_MS = 200
# Keys typed without a choice to pick (a house number, a reference): sent after # or this pause.
KEYS_PAUSE_S = 2.5
WAIT_POLL_S = 1.0
CALLBACK_KEY, VOICEMAIL_KEY, REPEAT_KEY = "8", "9", "*"
# The recording notice offers "say 'no recording' or press 9" (telephony's default notice).
NO_RECORDING_KEY = "9"
NO_RECORDING_WORDS = ("no recording", "don't record", "do not record")
VOICEMAIL_MAX_S = 60


class CallSession(WhileWaiting):
    def __init__(
        self,
        transport: Transport,
        *,
        dialled: str,
        caller: str,
        channel: str = "sip",
        stt: Recogniser | None = None,
        tts: Synthesiser | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.transport = transport
        self.dialled, self.caller, self.channel = dialled, caller, channel
        self.stt = stt or recogniser()
        self.tts = tts or synthesiser()
        self.clock = clock
        self.events = Events()
        self.endpointer = Endpointer()
        self.timings: list[Timing] = []
        self.heard: list[str] = []  # what the caller said, as understood (for tests and eval)
        self.said: list[str] = []  # what the assistant said
        self.posted: list[str] = []  # what went to the dialogue (the caller's words or keys)
        self.call: Any = None  # telephony.models.Call once answered
        self.conversation: Conversation | None = None
        self.outcome = "resolved"
        self._pending = b""
        self._playing_until = 0.0
        self._barge_ms = 0
        self._last_said = ""
        self._choices: list[str] = []
        self._listed = 0  # the numbered lines of the last reply (addresses, kinds of bin...)
        self._keys = ""
        self._keys_at = 0.0
        self._waiting = False
        self._verified = False  # the caller answered the security question
        self._offered_options = False
        self._recording = False
        self._record_in: list[bytes] = []
        self._record_out: list[tuple[int, bytes]] = []
        self._hung_up = threading.Event()
        self._done = threading.Event()
        self._speech_end = 0.0
        self._mode = "dialogue"  # or "voicemail", "callback"

    # ---------------------------------------------------------------- from the transport

    def feed_audio(self, pcm: bytes) -> None:
        """Caller audio (8 kHz 16-bit PCM, any length); split into 20 ms frames here."""
        data = self._pending + pcm
        whole = len(data) - len(data) % audio.FRAME_BYTES
        self._pending = data[whole:]
        for start in range(0, whole, audio.FRAME_BYTES):
            self.events.put("audio", data[start : start + audio.FRAME_BYTES])

    def feed_dtmf(self, digit: str) -> None:
        self.events.put("dtmf", digit)

    def caller_hung_up(self) -> None:
        self._hung_up.set()
        self.events.put("hangup")

    @property
    def done(self) -> bool:
        return self._done.is_set()

    # ---------------------------------------------------------------- the call's life

    def run(self, *, own_connection: bool = True) -> None:
        """The call, start to end. In the gateway each call has a thread and so a database
        connection of its own, closed at the end (``own_connection``)."""
        try:
            self._run()
        except Exception:
            logger.exception("voice call failed")
            self.outcome = "abandoned"
        finally:
            try:
                self._finish()
            finally:
                if own_connection:
                    close_old_connections()
                    connection.close()
                self._done.set()

    def _run(self) -> None:
        routing = telephony.route_call(dialled=self.dialled, caller=self.caller)
        if routing.line is None:
            self.say("Sorry, this number is not in service.", wait=True)
            self.outcome = "abandoned"
            self.transport.hang_up()
            return
        self.conversation = conversation_start(actor=ResidentActor(), channel=Channel.VOICE)
        self.call = telephony.call_started(
            dialled=self.dialled,
            caller=self.caller,
            channel=self.channel,
            routing=routing,
            conversation=self.conversation,
        )
        if not routing.open_now:
            self.say(
                routing.out_of_hours_message or "The council's lines are closed now.", wait=True
            )
            if routing.out_of_hours_transfer and self.transport.transfer(
                routing.out_of_hours_transfer
            ):
                self.outcome = "transferred"
            else:
                self.outcome = "abandoned"
                self.transport.hang_up()
            return
        opening = []
        if routing.record_calls and routing.recording_notice:
            opening.append(routing.recording_notice)
        if routing.greeting:
            opening.append(routing.greeting)
        welcome = self.conversation.messages.filter(sender=ChatMessage.Sender.ASSISTANT).last()
        if welcome is not None:
            self._choices = list(welcome.choices)
            opening.append(spoken.speak_replies([(welcome.text, welcome.choices)]))
        if routing.record_calls and routing.recording_notice:
            # The notice is said first: the recording starts with it, never before.
            self.say(opening.pop(0), wait=True)
            telephony.recording_notice_played(self.call)
            self._recording = True
        self.say(" ".join(opening))
        self._listen()

    def _listen(self) -> None:
        next_poll = self.clock() + WAIT_POLL_S
        while not self._hung_up.is_set():
            try:
                kind, value = self.events.items.get(timeout=0.1)
            except queue.Empty:
                kind, value = "tick", None
            if kind == "hangup":
                break
            if kind == "audio":
                self._on_frame(value)
            elif kind == "dtmf":
                self._on_key(value)
            now = self.clock()
            if self._keys and now - self._keys_at >= KEYS_PAUSE_S:
                self._send_keys()
            if self._waiting and now >= next_poll:
                next_poll = now + WAIT_POLL_S
                if self._put_through():
                    return
            if self._mode == "ended":
                return
        if self.outcome == "resolved" and self._waiting:
            self.outcome = "abandoned"

    # ---------------------------------------------------------------- audio in

    def _on_frame(self, frame: bytes) -> None:
        if self._recording:
            self._record_in.append(frame)
        turn = self.endpointer.push(frame)
        if self.endpointer.in_speech and self.playing:
            self._barge_ms += audio.FRAME_MS
            if self._barge_ms >= BARGE_IN_MS:
                self.transport.stop_playing()
                self._playing_until = 0.0
        elif not self.endpointer.in_speech:
            self._barge_ms = 0
        if turn is None:
            return
        self._barge_ms = 0
        # The last voiced frame: the turn ends END_SILENCE_MS before now.
        self._speech_end = self.clock() - END_SILENCE_MS / 1000
        if self._mode == "voicemail":
            self._voicemail_audio.append(turn)
            return
        heard = self.stt.transcribe(turn)
        if not heard:
            self.say("Sorry, I did not catch that. Please say it again, or press 0 for a person.")
            return
        self.heard.append(heard)
        if self._recording and any(w in heard.casefold() for w in NO_RECORDING_WORDS):
            self._stop_recording()
            return
        self.post(spoken.caller_text(heard, self._last_said))

    @property
    def playing(self) -> bool:
        return self.clock() < self._playing_until

    # ---------------------------------------------------------------- keys

    def _on_key(self, key: str) -> None:
        if self._mode == "voicemail":
            if key == "#":
                self._end_voicemail()
            return
        if self._mode == "callback":
            self._choose_callback(key)
            return
        if self._mode == "security":
            if key.isdigit():
                self._keys += key
                self._keys_at = self.clock()
                if len(self._keys) == 8:
                    keys, self._keys = self._keys, ""
                    self._check_date_of_birth(keys)
            return
        self._speech_end = self.clock()
        if self.call is not None:
            telephony.call_turn(self.call, speaker="caller", text="", dtmf=key)
        if self.playing:
            self.transport.stop_playing()
            self._playing_until = 0.0
        # 0 is a person at any time; where digits are asked for (a date, a number), 0 alone
        # then a pause is (a 0 followed by more keys is part of what is keyed).
        if key == spoken.PERSON_KEY and not self._keys and (self._choices or self._listed):
            self._ask_for_person()
            return
        if self._waiting and key == CALLBACK_KEY:
            self._offer_callback_times()
            return
        if self._waiting and key == VOICEMAIL_KEY:
            self._start_voicemail()
            return
        listed = max(len(self._choices), self._listed)
        if key == NO_RECORDING_KEY and self._recording and not self._keys and listed < 9:
            self._stop_recording()
            return
        if key == REPEAT_KEY:
            self.say(self._last_said)
            return
        if key == "#":
            self._send_keys()
            return
        # One key picks one of up to nine things listed; more are keyed then # (or a pause).
        if key.isdigit() and not self._keys and 1 <= int(key) <= listed <= 9:
            self.post(key)
            return
        self._keys += key
        self._keys_at = self.clock()

    # ---------------------------------------------------------------- the security question

    def _security_question(self) -> bool:
        """A caller whose number is a resident's (``call_started`` found exactly one) asks about
        their requests: their date of birth, keyed, before any personal data. True when asked."""
        resident = getattr(self.call, "resident", None)
        if self._verified or resident is None or resident.date_of_birth is None:
            return False
        self._mode = "security"
        self.say(
            "For your security, before I tell you about your requests, please key your date of "
            "birth as 8 digits: the day, the month and the year. Or say the reference of your "
            "request instead."
        )
        return True

    def _check_date_of_birth(self, keys: str) -> None:
        self._mode = "dialogue"
        resident = self.call.resident
        keyed = spoken.keyed_text(keys, "date")
        if keyed != resident.date_of_birth.strftime("%d/%m/%Y"):
            self.say(
                "That does not match our records. Please say the reference of your request, "
                "or press 0 for a person."
            )
            return
        self._verified = True
        cases = list(resident.cases.order_by("-created_at").values_list("reference", flat=True)[:5])
        if not cases:
            self.say("Thank you. We have no requests from you on our records.")
            return
        conversation = self.conversation
        assert conversation is not None  # noqa: S101 - set before the caller can speak
        state = DialogueState.of(conversation)
        state.own_cases = list(dict.fromkeys([*state.own_cases, *cases]))
        state.save_to(conversation)
        conversation.save(update_fields=["state"])
        self.say("Thank you. Your latest request is:", wait=False)
        self.post(cases[0])

    def _stop_recording(self) -> None:
        """The caller does not want the call recorded: nothing recorded is kept."""
        self._recording = False
        self._record_in, self._record_out = [], []
        self.say("This call will not be recorded. " + self._last_said)

    def _ask_for_person(self) -> None:
        if not self._waiting:
            self.post("Talk to a person")

    def _send_keys(self) -> None:
        keys, self._keys = self._keys, ""
        if self._mode == "security":
            self._check_date_of_birth(keys)
        elif keys == spoken.PERSON_KEY:
            self._ask_for_person()
        elif keys:
            self.post(spoken.keyed_text(keys, self._last_said))

    # ---------------------------------------------------------------- the dialogue

    def post(self, text: str) -> None:
        """The caller's words (or keys) through the chat's dialogue, and the replies said."""
        if not text or self.conversation is None:
            return
        logger.debug("voice turn posted")
        self.posted.append(text)
        if not text.isdigit():
            telephony.call_turn(self.call, speaker="caller", text=text)
        if self._waiting:
            # Waiting for a person: the words go to the conversation for the agent to read.
            self.say("Thank you. A member of staff will be with you as soon as possible.")
            return
        try:
            messages = conversation_post(
                conversation=self.conversation, text=text, actor=ResidentActor()
            )
        except ChatInvalid as error:
            self.say(str(error))
            return
        conversation = Conversation.objects.get(pk=self.conversation.pk)
        self.conversation = conversation
        asked = (messages[0].understood or {}).get("intent") if messages else None
        if asked == "status" and self._security_question():
            return
        replies = [
            (m.text, list(m.choices)) for m in messages if m.sender == ChatMessage.Sender.ASSISTANT
        ]
        self._choices = replies[-1][1] if replies else []
        self._listed = len(spoken.NUMBERED_LINE.findall(replies[-1][0])) if replies else 0
        words = spoken.speak_replies(replies)
        if conversation.status == Conversation.Status.WAITING and not self._waiting:
            words = (words + " " + self._join_queue(conversation)).strip()
        self.say(words or "Sorry, I cannot help with that on the phone. Press 0 for a person.")

    def _join_queue(self, conversation: Conversation) -> str:
        urgent = conversation.handover_reason == "safeguarding"
        if conversation.signs or urgent:
            telephony.call_signs(self.call, signs=list(conversation.signs), urgent=urgent)
        telephony.call_wants_person(self.call, reason=conversation.handover_reason or "asked")
        self._waiting = True
        self._choices = []
        position, wait = telephony.queue_position(self.call)
        words = ""
        if position == 1:
            words += " You are next in the queue."
        elif position:
            words += f" You are number {position} in the queue."
        words = words.strip()
        if wait and wait >= getattr(settings, "BOROUGH_VOICE_OFFER_CALLBACK_AFTER_S", 120):
            minutes = max(1, round(wait / 60))
            words += (
                f" The wait is about {minutes} minutes. Press {CALLBACK_KEY} for a call back at a"
                f" time you choose, or {VOICEMAIL_KEY} to leave a message."
            )
        return words

    def _put_through(self) -> bool:
        target = telephony.transfer_target(self.call)
        if not target:
            return False
        self.say("Putting you through now.", wait=True)
        if self.transport.transfer(target):
            self.outcome = "transferred"
            return True
        self.say("Sorry, I could not put you through. Please stay on the line.")
        return False

    # ---------------------------------------------------------------- audio out

    def say(self, text: str, *, wait: bool = False) -> None:
        """Speak ``text`` to the caller (and keep it on the call's record)."""
        if not text:
            return
        self._last_said = text
        self.said.append(text)
        if self.call is not None:
            telephony.call_turn(self.call, speaker="assistant", text=text)
        pcm = self.tts.synthesise(text)
        now = self.clock()
        if self._speech_end:
            self.timings.append(Timing(speech_end=self._speech_end, reply_start=now))
            self._speech_end = 0.0
        if self._recording:
            self._record_out.append((len(self._record_in) * audio.FRAME_SAMPLES, pcm))
        self.transport.play(pcm)
        self._playing_until = max(now, self._playing_until) + len(pcm) / (2 * audio.RATE)
        if wait:
            while self.playing and not self._hung_up.is_set():
                time.sleep(0.05)

    # ---------------------------------------------------------------- the end

    def _finish(self) -> None:
        if self._mode == "voicemail" and self._hung_up.is_set():
            self._end_voicemail_after_hang_up()
        if self.call is None:
            return
        if self._recording and self._record_in:
            telephony.store_recording(
                self.call, audio_wav=audio.wav_bytes(mixed(self._record_in, self._record_out))
            )
        telephony.call_ended(self.call, outcome=self.outcome)
