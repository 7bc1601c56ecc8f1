"""Real SIP phones for the call tests: Debian's baresip, driven through its console module.

``Phone.dial`` starts a baresip that calls the gateway; ``say`` switches its microphone to a WAV
file (speech made by eSpeak NG, then silence), ``press`` sends a key as an RFC 4733
telephone-event, and ``heard`` is everything it received, as baresip's ``sndfile`` module wrote it.
A phone started with ``answer=True`` is an agent's desk phone that answers by itself.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from borough.voice import audio

BARESIP = shutil.which("baresip")
MODULES = Path("/usr/lib/baresip/modules")


def free_port(kind=socket.SOCK_DGRAM) -> int:
    with socket.socket(socket.AF_INET, kind) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Phone:
    def __init__(self, folder: Path, user: str, *, answer: bool = False):
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.user = user
        self.sip_port = free_port()
        self.console_port = free_port()
        self.process: subprocess.Popen | None = None
        silence = self.folder / "silence.wav"
        silence.write_bytes(audio.wav_bytes(b"\0\0" * audio.RATE * 120))
        (self.folder / "dump").mkdir(exist_ok=True)
        (self.folder / "config").write_text(
            "\n".join(
                [
                    f"sip_listen 127.0.0.1:{self.sip_port}",
                    f"audio_source aufile,{silence}",
                    f"module_path {MODULES}",
                    "module account.so",
                    "module g711.so",
                    "module aufile.so",
                    "module sndfile.so",
                    "module cons.so",
                    "module_app menu.so",
                    f"cons_listen 127.0.0.1:{self.console_port}",
                    f"snd_path {self.folder / 'dump'}",
                    "",
                ]
            )
        )
        params = ";regint=0" + (";answermode=auto" if answer else "")
        (self.folder / "accounts").write_text(f"<sip:{user}@127.0.0.1>{params}\n")
        self.uri = f"sip:{user}@127.0.0.1:{self.sip_port}"

    def start(self, *commands: str) -> Phone:
        args = [BARESIP, "-f", str(self.folder), "-n", "127.0.0.1"]
        for command in commands:
            args += ["-e", command]
        self.log = (self.folder / "baresip.log").open("wb")
        self.process = subprocess.Popen(  # noqa: S603 - baresip, arguments built here
            args, stdout=self.log, stderr=subprocess.STDOUT
        )
        return self

    def dial(self, number: str, gateway: str) -> Phone:
        return self.start(f"/dial sip:{number}@{gateway}")

    def _console(self, text: str) -> None:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as console:
            console.sendto(text.encode(), ("127.0.0.1", self.console_port))

    def say(self, wav: Path) -> None:
        """Speak ``wav`` into the call (the phone's microphone becomes that file)."""
        self._console(f"/ausrc aufile,{wav}\n")

    def press(self, keys: str) -> None:
        for key in keys:
            self._console(key)
            time.sleep(0.25)

    def output(self) -> str:
        return (self.folder / "baresip.log").read_bytes().decode(errors="replace")

    def hang_up(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if getattr(self, "log", None):
            self.log.close()

    def heard(self) -> bytes:
        """The audio the phone received (8 kHz 16-bit PCM)."""
        dumps = sorted((self.folder / "dump").glob("*-dec.wav"))
        if not dumps:
            return b""
        return dumps[-1].read_bytes()[44:]


def spoken_wav(folder: Path, tts, text: str, *, name: str) -> Path:
    """``text`` said by eSpeak NG, then a minute of silence (the phone's microphone must not run
    out of sound: baresip hangs up at the end of its file)."""
    path = folder / f"{name}.wav"
    pcm = b"\0\0" * (audio.RATE // 5) + tts.synthesise(text) + b"\0\0" * audio.RATE * 60
    path.write_bytes(audio.wav_bytes(pcm))
    return path
