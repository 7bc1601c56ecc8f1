"""Calls from hosted telephony over a WebSocket media stream (ADR 0049).

The protocol is the one cloud contact centres use for media streams (Twilio's Media Streams
shape): JSON text frames, audio as base64 G.711 µ-law at 8 kHz.

From the platform: ``connected``; ``start`` (``start.streamSid``, ``start.customParameters`` with
``to`` and ``from``: the number dialled and the caller's); ``media`` (``media.payload``); ``dtmf``
(``dtmf.digit``); ``mark`` (a mark we sent has been played); ``stop``.
To the platform: ``media`` (our audio, 20 ms a frame), ``mark`` after each reply, ``clear`` to drop
what is queued (barge-in), and Borough's ``transfer`` (``transfer.to``: the agent's SIP address or
Teams queue) before closing the stream when an agent takes the call.

``websockets`` (BSD) serves it from the gateway's process; the platform connects to
``wss://<gateway>/media`` (TLS ends at the council's proxy in front of it).
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import threading
from collections.abc import Callable
from typing import Any

from . import audio

logger = logging.getLogger(__name__)


class StreamTransport:
    """The ``listening.Transport`` of one media stream; sends go through the event loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop, send: Callable[[dict | None], None]):
        self._loop = loop
        self._send = send
        self.stream_sid = ""
        self.closed = threading.Event()

    def _post(self, message: dict) -> None:
        if not self.closed.is_set():
            self._loop.call_soon_threadsafe(self._send, {**message, "streamSid": self.stream_sid})

    def play(self, pcm: bytes) -> None:
        payload = audio.pcm_to_ulaw(pcm)
        step = audio.FRAME_SAMPLES
        for start in range(0, len(payload), step):
            chunk = base64.b64encode(payload[start : start + step]).decode()
            self._post({"event": "media", "media": {"payload": chunk}})
        self._post({"event": "mark", "mark": {"name": "reply"}})

    def stop_playing(self) -> None:
        self._post({"event": "clear"})

    def transfer(self, uri: str) -> bool:
        self._post({"event": "transfer", "transfer": {"to": uri}})
        self.hang_up()
        return True

    def hang_up(self) -> None:
        self._loop.call_soon_threadsafe(self._send, None)


def media_handler(session_factory: Callable[..., Any]):
    """A ``websockets`` connection handler that gives each stream to a new session."""

    async def handle(websocket) -> None:
        loop = asyncio.get_running_loop()
        outbox: asyncio.Queue = asyncio.Queue()
        transport = StreamTransport(loop, outbox.put_nowait)
        session: Any = None

        async def sender() -> None:
            while True:
                message = await outbox.get()
                if message is None:
                    transport.closed.set()
                    await websocket.close()
                    return
                await websocket.send(json.dumps(message))

        sending = asyncio.ensure_future(sender())
        try:
            async for raw in websocket:
                try:
                    message = json.loads(raw)
                except ValueError:
                    logger.warning("media stream: a frame that is not JSON was ignored")
                    continue
                event = message.get("event")
                if event == "start" and session is None:
                    start = message.get("start") or {}
                    params = start.get("customParameters") or {}
                    transport.stream_sid = start.get("streamSid") or message.get("streamSid", "")
                    session = session_factory(
                        transport,
                        dialled=str(params.get("to", "")),
                        caller=str(params.get("from", "")),
                        channel="websocket",
                    )
                    threading.Thread(target=session.run, name="voice-ws", daemon=True).start()
                elif session is None:
                    continue
                elif event == "media":
                    payload = (message.get("media") or {}).get("payload", "")
                    try:
                        session.feed_audio(audio.ulaw_to_pcm(base64.b64decode(payload)))
                    except ValueError:
                        logger.warning("media stream: a media frame that is not base64")
                elif event == "dtmf":
                    digit = str((message.get("dtmf") or {}).get("digit", ""))[:1]
                    if digit:
                        session.feed_dtmf(digit)
                elif event == "stop":
                    break
        finally:
            transport.closed.set()
            if session is not None:
                session.caller_hung_up()
            sending.cancel()

    return handle


async def serve(host: str, port: int, session_factory: Callable[..., Any]):
    """Serve media streams until cancelled."""
    from websockets.asyncio.server import serve as ws_serve  # noqa: PLC0415 - gateway only

    async with ws_serve(media_handler(session_factory), host, port, max_size=2**20) as server:
        await server.serve_forever()
