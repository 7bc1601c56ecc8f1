"""``manage.py voice_gateway``: answer the council's calls (docs/how-to/voice-gateway.md).

SIP/RTP on ``--sip`` (default 0.0.0.0:5060, as a trunk from the PBX or SBC) and the WebSocket
media stream on ``--media`` (default 0.0.0.0:8765); either can be turned off with ``--no-sip`` or
``--no-media``. The speech models are loaded before the first call is taken.
"""

from __future__ import annotations

import asyncio
import signal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from borough.assistant import nlu
from borough.voice import speech
from borough.voice.mediastream import serve as serve_media
from borough.voice.session import CallSession
from borough.voice.sip import SipGateway, SipSettings


class Command(BaseCommand):
    help = "Answer calls: SIP/RTP (G.711) and the WebSocket media stream, with offline speech."

    def add_arguments(self, parser):
        voice = getattr(settings, "BOROUGH_VOICE", {})
        parser.add_argument("--sip", default=voice.get("SIP_LISTEN", "0.0.0.0:5060"))
        parser.add_argument("--rtp-ports", default=voice.get("RTP_PORTS", "10000-10999"))
        parser.add_argument("--media", default=voice.get("MEDIA_LISTEN", "0.0.0.0:8765"))
        parser.add_argument("--max-calls", type=int, default=voice.get("MAX_CALLS", 8))
        parser.add_argument("--no-sip", action="store_true")
        parser.add_argument("--no-media", action="store_true")

    def handle(self, *args, **options):
        if options["no_sip"] and options["no_media"]:
            raise CommandError("Nothing to answer: --no-sip and --no-media together")
        try:
            stt, tts = speech.recogniser(), speech.synthesiser()
        except speech.SpeechUnavailable as error:
            raise CommandError(str(error)) from error
        tts.synthesise("ready")
        nlu.understand("hello")
        self.stdout.write("Speech models loaded.")

        def factory(transport, **call):
            return CallSession(transport, stt=stt, tts=tts, **call)

        asyncio.run(self._serve(options, factory))

    async def _serve(self, options, factory) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for name in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(name, stop.set)
        gateway = None
        media = None
        if not options["no_sip"]:
            gateway = SipGateway(
                SipSettings(
                    listen=options["sip"],
                    rtp_ports=options["rtp_ports"],
                    max_calls=options["max_calls"],
                ),
                factory,
            )
            await gateway.start()
            self.stdout.write(
                f"SIP: listening on {options['sip']} (UDP), RTP {options['rtp_ports']}"
            )
        if not options["no_media"]:
            host, _, port = options["media"].rpartition(":")
            media = asyncio.ensure_future(serve_media(host, int(port), factory))
            self.stdout.write(f"Media streams: ws://{options['media']}/media")
        await stop.wait()
        if media is not None:
            media.cancel()
        if gateway is not None:
            await gateway.close()
