"""The WebSocket media stream (Twilio Media Streams' shape): a real connection to the gateway's
server, with the call session replaced by one that records what reaches it and answers."""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import json

from websockets.asyncio.client import connect
from websockets.asyncio.server import serve

from borough.voice import audio
from borough.voice.mediastream import media_handler

from .phones import free_port


class EchoSession:
    """Plays back what it is fed, reports keys, stops playing on #."""

    def __init__(self, transport, *, dialled, caller, channel):
        self.transport, self.dialled, self.caller, self.channel = (
            transport,
            dialled,
            caller,
            channel,
        )
        self.fed = b""
        self.keys = ""
        self.hung_up = False
        self.done = False

    def run(self):
        self.transport.play(b"\x10\x00" * 400)  # 50 ms of sound: three 20 ms frames

    def feed_audio(self, pcm):
        self.fed += pcm

    def feed_dtmf(self, digit):
        self.keys += digit
        if digit == "#":
            self.transport.stop_playing()
        if digit == "0":
            self.transport.transfer("sip:agent@council.example")

    def caller_hung_up(self):
        self.hung_up = True


def test_a_media_stream_carries_audio_both_ways_keys_barge_in_and_transfer():
    sessions = []

    def factory(transport, **call):
        sessions.append(EchoSession(transport, **call))
        return sessions[-1]

    async def scenario():
        port = free_port(kind=1)
        async with (
            serve(media_handler(factory), "127.0.0.1", port),
            connect(f"ws://127.0.0.1:{port}/media") as ws,
        ):
            await ws.send(json.dumps({"event": "connected", "protocol": "Call"}))
            await ws.send(
                json.dumps(
                    {
                        "event": "start",
                        "start": {
                            "streamSid": "MZ1",
                            "customParameters": {
                                "to": "+441632960300",
                                "from": "+447700900123",
                            },
                        },
                    }
                )
            )
            sound = base64.b64encode(audio.pcm_to_ulaw(b"\x00\x10" * 160)).decode()
            await ws.send(json.dumps({"event": "media", "media": {"payload": sound}}))
            got = [json.loads(await ws.recv()) for _ in range(4)]
            await ws.send(json.dumps({"event": "dtmf", "dtmf": {"digit": "#"}}))
            cleared = json.loads(await ws.recv())
            await ws.send(json.dumps({"event": "dtmf", "dtmf": {"digit": "0"}}))
            transfer = json.loads(await ws.recv())
            await asyncio.wait_for(ws.wait_closed(), 5)
        return got, cleared, transfer

    # In a thread of its own: a browser test's Playwright may hold the main thread's event loop.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        got, cleared, transfer = pool.submit(asyncio.run, scenario()).result(timeout=60)
    session = sessions[0]
    assert (session.dialled, session.caller, session.channel) == (
        "+441632960300",
        "+447700900123",
        "websocket",
    )
    assert [m["event"] for m in got] == ["media", "media", "media", "mark"]
    assert all(m["streamSid"] == "MZ1" for m in got)
    played = b"".join(base64.b64decode(m["media"]["payload"]) for m in got[:3])
    assert audio.ulaw_to_pcm(played)[:4] == audio.ulaw_to_pcm(audio.pcm_to_ulaw(b"\x10\x00" * 2))
    assert session.fed == audio.ulaw_to_pcm(audio.pcm_to_ulaw(b"\x00\x10" * 160))
    assert cleared == {"event": "clear", "streamSid": "MZ1"}
    assert transfer["transfer"] == {"to": "sip:agent@council.example"}
    assert session.keys == "#0" and session.hung_up
