"""The voice gateway on the assistant's held-out set (make eval-voice; issue 21).

Every English held-out phrase (borough/assistant/nlu/data/heldout.yaml: the intents and the
safeguarding phrases) is spoken by eSpeak NG voices with different accents, sent through the
gateway's own audio path (8 kHz, G.711 µ-law out and back, WebRTC's voice activity detection
finding the end of the turn) and heard by the gateway's speech to text (Whisper tiny.en on
CTranslate2). It reports:

- word error rate against the phrase as written;
- right service or answer (the understanding's intent) and safeguarding recall, spoken vs typed
  (target: within 5 points);
- time from the end of the caller's speech to the start of the reply: the endpointer's silence
  (END_SILENCE_MS) + speech to text + the understanding + speaking the first reply (p95 target
  under 1.5 s on 2 cores). The dialogue's database write is not in it (tens of milliseconds);
- how many simultaneous calls hold that p95: callers in threads, each speaking a held-out phrase,
  waiting for the reply and listening to it for 3 seconds, again and again.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from borough.assistant import nlu  # noqa: E402
from borough.assistant.nlu import content  # noqa: E402
from borough.voice import audio, speech  # noqa: E402
from borough.voice.listening import END_SILENCE_MS, Endpointer  # noqa: E402

VOICES = ["en-gb", "en-us", "en-gb-scotland"]
REPLY = "I can help you with that. I will ask you a few questions. First, what is the postcode?"
SILENCE = b"\0" * audio.FRAME_BYTES


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.casefold().replace("-", " "))


def edit_distance(a: list[str], b: list[str]) -> int:
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (x != y))
    return row[-1]


def telephone(pcm: bytes) -> bytes:
    """Through G.711 µ-law and back, as on the line."""
    return audio.ulaw_to_pcm(audio.pcm_to_ulaw(pcm))


def endpoint(pcm: bytes) -> bytes:
    """The caller's turn as the gateway's endpointer cuts it (trailing silence added)."""
    pointer = Endpointer()
    data = pcm + SILENCE * (END_SILENCE_MS // audio.FRAME_MS + 20)
    for start in range(0, len(data) - audio.FRAME_BYTES + 1, audio.FRAME_BYTES):
        turn = pointer.push(data[start : start + audio.FRAME_BYTES])
        if turn:
            return turn
    return pcm


def reply_latency(stt, tts, turn: bytes) -> tuple[float, str]:
    """Seconds from the end of speech to the start of the reply, and what was heard."""
    started = time.perf_counter()
    heard = stt.transcribe(turn)
    nlu.understand(heard or "hello")
    tts.synthesise(REPLY)
    return END_SILENCE_MS / 1000 + time.perf_counter() - started, heard


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1)))]


def accuracy(voices: list[str], limit: int, seed: int) -> dict:
    held = content.heldout()
    rows = [(text, intent) for intent, texts in held["intents"].items() for text in texts]
    guarding = list(held["safeguarding"])
    rng = random.Random(seed)
    if limit:
        rows = rng.sample(rows, min(limit, len(rows)))
        guarding = rng.sample(guarding, min(max(limit // 4, 1), len(guarding)))
    stt, tts = speech.recogniser(), speech.synthesiser()
    typed_right = sum(nlu.understand(text).intent == intent for text, intent in rows)
    typed_guard = sum(nlu.understand(t).vulnerability.level == "safeguarding" for t in guarding)
    results = {"phrases": len(rows), "safeguarding_phrases": len(guarding), "voices": {}}
    results["typed_accuracy"] = typed_right / len(rows)
    results["typed_safeguarding"] = typed_guard / len(guarding)
    for voice in voices:
        errors = total = right = guard = 0
        latencies: list[float] = []
        for text, intent in rows:
            turn = endpoint(telephone(tts.synthesise(text, voice=voice)))
            latency, heard = reply_latency(stt, tts, turn)
            latencies.append(latency)
            errors += edit_distance(words(text), words(heard))
            total += len(words(text))
            right += nlu.understand(heard or "-").intent == intent
        for text in guarding:
            heard = stt.transcribe(endpoint(telephone(tts.synthesise(text, voice=voice))))
            guard += nlu.understand(heard or "-").vulnerability.level == "safeguarding"
        results["voices"][voice] = {
            "wer": errors / total,
            "accuracy": right / len(rows),
            "safeguarding": guard / len(guarding),
            "latency_p50": statistics.median(latencies),
            "latency_p95": pct(latencies, 0.95),
        }
        print(f"  {voice}: {results['voices'][voice]}", flush=True)
    return results


def concurrency(levels: list[int], seconds: float, seed: int) -> dict:
    held = content.heldout()
    phrases = [text for texts in held["intents"].values() for text in texts]
    stt, tts = speech.recogniser(), speech.synthesiser()
    rng = random.Random(seed)
    turns = [endpoint(telephone(tts.synthesise(t))) for t in rng.sample(phrases, 30)]
    results = {}
    for level in levels:
        latencies: list[float] = []
        lock = threading.Lock()
        stop = time.monotonic() + seconds

        def caller(index: int, stop=stop, lock=lock, latencies=latencies) -> None:
            local = random.Random(seed + index)
            time.sleep(local.random() * 3)  # callers do not all start speaking at once
            while time.monotonic() < stop:
                turn = local.choice(turns)
                time.sleep(len(turn) / (2 * audio.RATE))  # the caller speaks
                latency, _ = reply_latency(stt, tts, turn)
                with lock:
                    latencies.append(latency)
                time.sleep(3.0)  # and listens to the reply

        threads = [threading.Thread(target=caller, args=(i,)) for i in range(level)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        results[level] = {
            "turns": len(latencies),
            "p50": statistics.median(latencies) if latencies else 0,
            "p95": pct(latencies, 0.95) if latencies else 0,
        }
        print(f"  {level} simultaneous calls: {results[level]}", flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voices", default=",".join(VOICES))
    parser.add_argument("--limit", type=int, default=0, help="phrases (0: all)")
    parser.add_argument("--concurrency", default="1,2,4,6,8")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--skip-accuracy", action="store_true")
    args = parser.parse_args()
    print(
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
        f"load average before: {os.getloadavg()}"
    )
    started = time.perf_counter()
    speech.recogniser()
    print(f"Speech to text loaded in {time.perf_counter() - started:.1f}s")
    nlu.load()
    if not args.skip_accuracy:
        print("Accuracy (spoken vs typed):")
        result = accuracy(args.voices.split(","), args.limit, args.seed)
        print(
            f"  typed: accuracy {result['typed_accuracy']:.3f}, safeguarding "
            f"{result['typed_safeguarding']:.3f} on {result['phrases']} phrases and "
            f"{result['safeguarding_phrases']} safeguarding phrases"
        )
    print("Simultaneous calls (reply latency, seconds):")
    concurrency([int(n) for n in args.concurrency.split(",")], args.seconds, args.seed)
    print(f"Load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
