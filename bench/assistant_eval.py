"""Measure the resident assistant's understanding on the held-out set (make eval-assistant).

Prints, and with --json writes, intent accuracy and out-of-scope recall on held-out phrases
(borough/assistant/nlu/data/heldout.yaml, never used for training), safeguarding recall and the
false-alarm rate on ordinary messages, and the latency of one turn (understand() + retrieve())
after warm-up: median and 95th percentile, with the machine's load average.

Targets (issue 8): intent accuracy >= 95%, out-of-scope recall >= 80%, safeguarding recall 100%,
p95 turn latency < 100 ms.

    .venv/bin/python bench/assistant_eval.py [--errors] [--json results.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import assistant_multilingual  # noqa: E402
from borough.assistant import nlu  # noqa: E402
from borough.assistant.nlu import content  # noqa: E402

TARGETS = {"intent_accuracy": 0.95, "oos_recall": 0.80, "safeguarding_recall": 1.0, "p95_ms": 100}


def evaluate(*, show_errors: bool = False, latency_rounds: int = 3) -> dict:
    load_before = os.getloadavg()
    started = time.perf_counter()
    brain = nlu.load()
    load_seconds = time.perf_counter() - started
    held = content.heldout()

    intent_rows = [(text, intent) for intent, texts in held["intents"].items() for text in texts]
    correct = 0
    in_scope_refused = 0
    errors = []
    for text, expected in intent_rows:
        got = nlu.understand(text)
        if got.intent == expected:
            correct += 1
        else:
            in_scope_refused += got.intent is None
            errors.append(("intent", text, expected, got.intent, got.confidence))
    oos = held["out_of_scope"]
    oos_caught = 0
    for text in oos:
        got = nlu.understand(text)
        if got.out_of_scope:
            oos_caught += 1
        else:
            errors.append(("out of scope", text, None, got.intent, got.confidence))
    safeguarding = held["safeguarding"]
    reached = 0
    for text in safeguarding:
        got = nlu.understand(text)
        if got.vulnerability.level == "safeguarding":
            reached += 1
        else:
            errors.append(("safeguarding", text, "safeguarding", got.vulnerability.level, 0))
    ordinary = held["ordinary"] + [text for text, _ in intent_rows] + list(oos)
    alarms = []
    support = 0
    for text in ordinary:
        level = nlu.understand(text).vulnerability.level
        if level == "safeguarding":
            alarms.append(text)
        support += level == "support"

    # Latency of a turn: every held-out phrase once per round, after one warm-up pass.
    turns = [text for text, _ in intent_rows] + list(oos) + list(safeguarding)
    for text in turns[:50]:
        nlu.understand(text)
        nlu.retrieve(text)
    timings = []
    cpu = []
    for _ in range(latency_rounds):
        for text in turns:
            t = time.perf_counter()
            c = time.thread_time()
            nlu.understand(text)
            nlu.retrieve(text)
            cpu.append((time.thread_time() - c) * 1000)
            timings.append((time.perf_counter() - t) * 1000)
    timings.sort()
    cpu.sort()
    # Floor, in the same run: the sentence embedding alone (one forward pass of the model).
    floor = []
    for _ in range(latency_rounds):
        for text in turns:
            t = time.perf_counter()
            brain.encoder.encode([text])
            floor.append((time.perf_counter() - t) * 1000)
    floor.sort()
    p95 = timings[int(0.95 * (len(timings) - 1))]
    results = {
        "intents": len(held["intents"]),
        "intent_phrases": len(intent_rows),
        "intent_accuracy": correct / len(intent_rows),
        "in_scope_refused": in_scope_refused,
        "oos_phrases": len(oos),
        "oos_recall": oos_caught / len(oos),
        "safeguarding_phrases": len(safeguarding),
        "safeguarding_recall": reached / len(safeguarding),
        "ordinary_phrases": len(ordinary),
        "safeguarding_false_alarm_rate": len(alarms) / len(ordinary),
        "false_alarms": alarms,
        "support_rate_on_ordinary": support / len(ordinary),
        "turns_timed": len(timings),
        "median_ms": statistics.median(timings),
        "p95_ms": p95,
        "floor_median_ms": statistics.median(floor),
        "floor_p95_ms": floor[int(0.95 * (len(floor) - 1))],
        # CPU time of the turn's own thread: what it costs when the machine is not shared.
        "cpu_median_ms": statistics.median(cpu),
        "cpu_p95_ms": cpu[int(0.95 * (len(cpu) - 1))],
        "load_seconds": load_seconds,
        "load_average_before": load_before,
        "load_average": os.getloadavg(),
        "cpus": os.cpu_count(),
        "machine": platform.platform(),
        "validation": brain.validation,
        "errors": errors if show_errors else len(errors),
    }
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list every miss")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--rounds", type=int, default=3, help="latency rounds over the phrases")
    args = parser.parse_args()
    r = evaluate(show_errors=args.errors, latency_rounds=args.rounds)

    def mark(ok: bool) -> str:
        return "ok" if ok else "BELOW TARGET"

    print("Resident assistant: understanding on the held-out set")
    print(f"  intents                 {r['intents']} ({r['intent_phrases']} held-out phrases)")
    print(
        f"  intent accuracy         {r['intent_accuracy']:.1%}  (target >= 95%: "
        f"{mark(r['intent_accuracy'] >= TARGETS['intent_accuracy'])}; "
        f"{r['in_scope_refused']} wrongly out of scope)"
    )
    print(
        f"  out-of-scope recall     {r['oos_recall']:.1%} of {r['oos_phrases']}  (target >= 80%: "
        f"{mark(r['oos_recall'] >= TARGETS['oos_recall'])})"
    )
    print(
        f"  safeguarding recall     {r['safeguarding_recall']:.1%} of {r['safeguarding_phrases']}"
        f"  (target 100%: {mark(r['safeguarding_recall'] >= 1.0)})"
    )
    print(
        f"  safeguarding false alarms {r['safeguarding_false_alarm_rate']:.1%} of "
        f"{r['ordinary_phrases']} ordinary messages; 'support' on {r['support_rate_on_ordinary']:.1%}"
    )
    for text in r["false_alarms"]:
        print(f"      false alarm: {text}")
    print(
        f"  turn latency            median {r['median_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms over "
        f"{r['turns_timed']} turns (understand + retrieve; target p95 < 100 ms: "
        f"{mark(r['p95_ms'] < TARGETS['p95_ms'])})"
    )
    print(
        f"  turn CPU time           median {r['cpu_median_ms']:.1f} ms, p95 {r['cpu_p95_ms']:.1f} ms"
        " (the turn's own thread; wall time above includes waiting for a shared CPU)"
    )
    print(
        f"  floor (embedding only)  median {r['floor_median_ms']:.1f} ms, p95 "
        f"{r['floor_p95_ms']:.1f} ms; turn / floor: median "
        f"{r['median_ms'] / r['floor_median_ms']:.2f}, p95 {r['p95_ms'] / r['floor_p95_ms']:.2f}"
    )
    load = ", ".join(f"{x:.2f}" for x in r["load_average"])
    before = ", ".join(f"{x:.2f}" for x in r["load_average_before"])
    print(
        f"  machine                 {r['cpus']} CPUs, load average {before} before, {load} after;"
        f" {r['machine']}"
    )
    v = r["validation"]
    print(
        f"  model load              {r['load_seconds']:.2f} s; threshold {v['threshold']:.2f}, "
        f"temperature {v['temperature']:.2f} (cross-validated on training: accuracy "
        f"{v['validation_accuracy']:.1%}, out-of-scope recall {v['validation_oos_recall']:.1%})"
    )
    if args.errors:
        for kind, text, expected, got, confidence in r["errors"]:
            print(f"  miss [{kind}] {text!r}: expected {expected}, got {got} ({confidence:.2f})")
    # Other languages (issue 22, ADR 0029): safeguarding recall, false alarms, language ID.
    r["multilingual"] = assistant_multilingual.evaluate(rounds=args.rounds)
    assistant_multilingual.print_report(r["multilingual"], show_languages=args.errors)
    if args.json:
        args.json.write_text(json.dumps(r, indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
