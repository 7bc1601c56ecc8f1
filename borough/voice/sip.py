"""Calls over SIP with RTP audio, through baresip (ADR 0049).

``baresip-python`` embeds baresip and libre (BSD) in the gateway's process: SIP over UDP/TCP, SDP,
RTP with G.711 µ-law (PCMU) and A-law (PCMA), DTMF as RFC 4733 telephone-events or SIP INFO,
and blind transfer by REFER. Its ``aumem`` audio driver gives each call's decoded audio as 16-bit
PCM and takes ours the same way; ``flush_tx`` drops what is queued, which is how barge-in stops the
assistant mid-sentence. Borough listens as a trunk (no registration): the council's PBX or session
border controller (Teams Direct Routing's SBC, for example) sends the calls for its numbers to
``sip:<number>@<gateway>:5060``; the number dialled is the request's user part.
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from . import audio

logger = logging.getLogger(__name__)

_USER = re.compile(r"^(?:sips?:)?([^@;>]+)@")
# Keep this much of the assistant's audio queued in the stack (it sends silence when it runs dry).
_AHEAD_BYTES = audio.FRAME_BYTES * 6


def number_of(uri: str | None) -> str:
    """The user part of a SIP URI (``sip:+441895250111@sbc.example`` -> ``+441895250111``)."""
    match = _USER.match((uri or "").strip("<> ").split(" ")[-1].strip("<>"))
    return match.group(1) if match else (uri or "")


@dataclass
class SipSettings:
    listen: str = "0.0.0.0:5060"  # noqa: S104 - the gateway answers the council's SBC
    user: str = "borough"
    max_calls: int = 8
    codecs: tuple[str, ...] = ("pcmu", "pcma")
    dtmf_mode: Literal["rtpevent", "info", "auto"] = "rtpevent"
    rtp_ports: str = "10000-10999"


@dataclass
class _Leg:
    """One call's audio pump between baresip's ``aumem`` buffers and a session."""

    call: Any  # baresip.Call
    session: Any  # session.CallSession
    out: bytearray = field(default_factory=bytearray)
    lock: threading.Lock = field(default_factory=threading.Lock)


class SipTransport:
    """The ``listening.Transport`` of one SIP call: audio and commands go to the asyncio loop."""

    def __init__(self, gateway: SipGateway, leg_holder: dict):
        self._gateway = gateway
        self._holder = leg_holder

    @property
    def _leg(self) -> _Leg:
        return self._holder["leg"]

    def play(self, pcm: bytes) -> None:
        with self._leg.lock:
            self._leg.out.extend(pcm)

    def stop_playing(self) -> None:
        with self._leg.lock:
            self._leg.out.clear()
        self._gateway.call_soon(self._flush)

    def _flush(self) -> None:
        try:
            self._leg.call.audio.flush_tx()
        except Exception:  # noqa: BLE001 - the call may have just closed
            logger.debug("flush after close")

    def transfer(self, uri: str) -> bool:
        try:
            self._gateway.run(self._leg.call.transfer(uri), timeout=40)
        except Exception as error:  # noqa: BLE001 - reported to the session as a failure
            logger.warning("transfer failed: %s", type(error).__name__)
            return False
        return True

    def hang_up(self) -> None:
        # Let the last words play out before hanging up.
        self._gateway.call_soon(lambda: asyncio.ensure_future(self._hang_up_when_played()))

    async def _hang_up_when_played(self) -> None:
        for _ in range(600):
            if not self._leg.out:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)
        try:
            await self._leg.call.hangup()
        except Exception:  # noqa: BLE001 - already gone
            logger.debug("hang-up after close")


class SipGateway:
    """Answers SIP calls and gives each to a new session (``session_factory``), in a thread."""

    def __init__(self, settings: SipSettings, session_factory: Callable[..., Any]):
        self.settings = settings
        self.session_factory = session_factory
        self.loop: asyncio.AbstractEventLoop | None = None
        self.runtime: Any = None  # baresip.Runtime once started
        self.sessions: list[Any] = []
        self._dialled: dict[int, str] = {}
        self._ready = threading.Event()

    # -- called from session threads
    def call_soon(self, fn) -> None:
        if self.loop is not None:
            self.loop.call_soon_threadsafe(fn)

    def run(self, coroutine, timeout: float = 10):
        assert self.loop is not None
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    # -- the loop
    async def start(self) -> None:
        import baresip  # noqa: PLC0415 - native SIP stack, loaded only by the gateway
        from baresip.events import Event  # noqa: PLC0415

        host, _, port = self.settings.listen.rpartition(":")
        self.loop = asyncio.get_running_loop()
        self.runtime = baresip.Runtime()
        low, _, high = self.settings.rtp_ports.partition("-")
        await self.runtime.start(
            baresip.Config(
                net_interface=host if host not in ("", "0.0.0.0") else None,  # noqa: S104
                audio_driver="aumem",
                max_concurrent_calls=self.settings.max_calls,
                rtp_timeout=60,
                # The number dialled: the To header (an SBC may put the original one in these).
                expose_headers=("To", "P-Called-Party-ID", "Diversion"),
                extra_config_text=(
                    f"sip_listen {self.settings.listen}\nrtp_ports {low}-{high or low}\n"
                ),
            )
        )

        def remember_dialled(event) -> None:
            if event.event is Event.CALL_INCOMING:
                headers = {k.casefold(): v for k, v in (event.headers or {}).items()}
                called = headers.get("p-called-party-id") or event.to or headers.get("to")
                self._dialled[event.call] = number_of(called)

        self.runtime.subscribe(remember_dialled)
        account = baresip.Account(
            user=self.settings.user,
            domain=self.settings.listen if host not in ("", "0.0.0.0") else "localhost",  # noqa: S104
            password="",
            reg_interval=0,
            audio_codecs=self.settings.codecs,
            dtmf_mode=self.settings.dtmf_mode,
            # Every number the SBC sends is ours: the account takes calls to any user part.
            extra_params=("catchall=yes",),
        )
        self.ua = await baresip.UserAgent.create(self.runtime, account, transfer_policy="reject")
        self.ua.on_incoming(lambda call: asyncio.ensure_future(self._answer(call)))
        self._ready.set()

    async def _answer(self, call: Any) -> None:
        dialled = self._dialled.pop(call.handle, "")
        caller = number_of(call.peer)
        holder: dict = {}
        session = self.session_factory(
            SipTransport(self, holder), dialled=dialled, caller=caller, channel="sip"
        )
        leg = _Leg(call=call, session=session)
        holder["leg"] = leg
        self.sessions.append(session)
        closed = asyncio.Event()

        def on_event(event) -> None:
            name = getattr(event.event, "name", "")
            if name == "CALL_CLOSED":
                closed.set()
            elif name == "CALL_DTMF_START" and event.text:
                # A key counts when pressed (RFC 4733's first packet or SIP INFO): some phones
                # never send the end of a key, and the caller expects an answer at once.
                session.feed_dtmf(event.text[:1])

        call.on(on_event)
        await call.answer()
        try:
            await call.wait_established(timeout=10)
        except Exception:  # noqa: BLE001 - the caller gave up before the answer
            session.caller_hung_up()
            return
        threading.Thread(target=session.run, name="voice-call", daemon=True).start()
        await self._pump(leg, closed)
        session.caller_hung_up()

    async def _pump(self, leg: _Leg, closed: asyncio.Event) -> None:
        """Every 20 ms: the caller's audio to the session, ours to the stack."""
        from baresip import AudioNotActive, AudioRestarted  # noqa: PLC0415

        while not closed.is_set() and not leg.session.done:
            try:
                heard = leg.call.audio.read(audio.FRAME_BYTES * 10)
                if heard:
                    leg.session.feed_audio(heard)
                info_fill = leg.call.audio.info().tx_buffered
                with leg.lock:
                    room = max(0, _AHEAD_BYTES - info_fill)
                    room -= room % 2
                    chunk = bytes(leg.out[:room])
                    del leg.out[: len(chunk)]
                if chunk:
                    leg.call.audio.write(chunk)
            except (AudioNotActive, AudioRestarted):
                pass
            await asyncio.sleep(audio.FRAME_MS / 1000)
        if not closed.is_set():
            try:
                await leg.call.hangup()
            except Exception:  # noqa: BLE001
                logger.debug("hang-up after close")

    async def close(self) -> None:
        if self.runtime is not None:
            await self.runtime.close()
            self.runtime = None

    # -- in a thread of its own (the management command, the tests)
    def serve_in_thread(self) -> SipGateway:
        """Start the gateway's event loop in a daemon thread; returns once it listens."""
        failure: list[BaseException] = []

        def main() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self.start())
            except BaseException as error:  # noqa: BLE001 - handed to the starting thread
                failure.append(error)
                self._ready.set()
                return
            self._stopped = asyncio.Event()
            loop.run_until_complete(self._stopped.wait())
            loop.run_until_complete(self.close())
            loop.close()

        self._thread = threading.Thread(target=main, name="voice-sip", daemon=True)
        self._thread.start()
        self._ready.wait(30)
        if failure:
            raise failure[0]
        return self

    def stop(self) -> None:
        if self.loop is not None and getattr(self, "_stopped", None) is not None:
            self.loop.call_soon_threadsafe(self._stopped.set)
            self._thread.join(10)
