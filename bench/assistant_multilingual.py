"""Every resident's language (issue 22; part of make eval-assistant).

Per language: intent accuracy, safeguarding recall on urgent messages, the false-alarm rate on
ordinary ones, and language identification accuracy; plus short English messages (under five
words) that must stay English. Three sets, reported apart:

- development: borough/assistant/nlu/data/multilingual_dev.yaml, written by the team and used to
  build and tune the lexicon and thresholds (ADR 0029): a check that nothing regressed, not a
  measure of accuracy;
- development (formerly held-out): data/development_multilingual.jsonl, written by an independent
  person and run once as a held-out set; its misses were then studied to improve the approach,
  so it is development data now. Intent here is agreement with what the English understanding
  makes of the writer's English gloss (the set has no intent labels);
- development v2 (formerly held-out): data/heldout_multilingual_v2.jsonl, written blind by
  another helper, with intent labels on its ordinary messages; run once as the held-out set after
  the approach was frozen, then made development data on 2026-12-07 (fourth session): its misses
  were studied to improve the approach (never its sentences copied), so it is no longer a
  measure;
- development v3 (formerly held-out): data/heldout_multilingual_v3.jsonl, written blind on
  2026-12-07 by a helper who saw no code or data of the product, run once as the held-out set
  (fourth session), studied since (fifth session: its misses by kind, never its sentences);
- held-out: BOROUGH_MULTILINGUAL_HELDOUT (a file of the same fields: language, text, urgent, kind,
  label), else data/heldout_multilingual_v4.jsonl when it exists. Run once, after the approach
  is frozen:  BOROUGH_MULTILINGUAL_HELDOUT=/path/to/v4.jsonl make eval-assistant

Also the cost of the multilingual model: the turn latency (understand + retrieve) of messages
in other languages (which go through the encoder) against English ones (which do not) in the
same run, and the memory the encoder adds.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from pathlib import Path

import yaml

from borough.assistant import nlu
from borough.assistant.nlu import multilingual
from borough.assistant.nlu.content import DATA

DEV = DATA / "multilingual_dev.yaml"
DEV_V1 = DATA / "development_multilingual.jsonl"
# v2: held-out until 2026-12-07 (fourth session), development data since (data/README.md).
DEV_V2 = HELDOUT = DATA / "heldout_multilingual_v2.jsonl"

NAMES = {
    "english": "en", "polish": "pl", "urdu": "ur", "punjabi": "pa", "panjabi": "pa",
    "romanian": "ro", "gujarati": "gu", "tamil": "ta", "somali": "so", "arabic": "ar",
    "bengali": "bn", "bangla": "bn", "portuguese": "pt", "hindi": "hi",
}  # fmt: skip


def code(language: str) -> str:
    value = (language or "").strip().lower()
    return NAMES.get(value, value.split("-")[0].split("_")[0])


def dev_rows(path: Path = DEV) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    rows = []
    for language, groups in data["languages"].items():
        for kind in ("urgent", "ordinary"):
            for text in groups.get(kind) or ():
                rows.append({"language": language, "text": text, "urgent": kind == "urgent"})
    # Short English for language identification only: some are urgent ('I smell gas').
    rows += [{"language": "en", "text": t, "urgent": None} for t in data.get("english") or ()]
    return rows


def jsonl_rows(path: Path = HELDOUT) -> list[dict]:
    if not path.exists():
        return []
    rows = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                row["language"] = code(row.get("language", ""))
                row["urgent"] = bool(row.get("urgent"))
                rows.append(row)
    return rows


heldout_rows = jsonl_rows

_NO_INTENT = {"", "none", "null", "out_of_scope", "out-of-scope", "__out_of_scope__"}


def expected_intent(row: dict) -> tuple[bool, str | None]:
    """(whether the row has an intent to check, the intent expected: None for out of scope).
    A row's own ``label`` (the held-out set's) counts; else, with ``reference`` set, what the
    English understanding makes of the writer's English gloss."""
    if row.get("urgent") or row.get("urgent") is None:
        return False, None
    if "label" in row:
        # The held-out set labels every ordinary message; a short English one only when its
        # intent is clear (its README): no label there means nothing to check.
        label = row["label"]
        if label is None:
            return False, None
        label = None if str(label).strip().lower() in _NO_INTENT else label
        return True, label
    if row.get("reference") and row.get("english") and row["language"] != "en":
        return True, nlu.understand(row["english"]).intent
    return False, None


def score(rows: list[dict]) -> dict:
    """Per language: urgent, recall, ordinary, false alarms, language ID; plus short English."""
    per: dict[str, dict] = {}
    misses, alarms, wrong_language, wrong_intent = [], [], [], []
    for row in rows:
        got = nlu.understand(row["text"])
        stats = per.setdefault(
            row["language"],
            {
                "urgent": 0, "reached": 0, "ordinary": 0, "alarms": 0, "messages": 0,
                "identified": 0, "labelled": 0, "intent_right": 0,
            },
        )  # fmt: skip
        stats["messages"] += 1
        checked, intent = expected_intent(row)
        if checked:
            stats["labelled"] += 1
            stats["intent_right"] += got.intent == intent
            if got.intent != intent:
                wrong_intent.append((row["language"], intent, got.intent, row["text"]))
        # Roman-script Urdu, Hindi or Punjabi has no language of its own to identify.
        if got.language == row["language"]:
            stats["identified"] += 1
        else:
            wrong_language.append((row["language"], got.language, row["text"]))
        safeguarding = got.vulnerability.level == "safeguarding"
        if row["urgent"] is None:
            continue
        if row["urgent"]:
            stats["urgent"] += 1
            stats["reached"] += safeguarding
            if not safeguarding:
                misses.append((row["language"], row.get("kind", ""), row["text"]))
        else:
            stats["ordinary"] += 1
            stats["alarms"] += safeguarding
            if safeguarding:
                alarms.append((row["language"], row["text"], list(got.vulnerability.signs)))
    short = [r for r in rows if r["language"] == "en" and len(r["text"].split()) < 5]
    short_wrong = [
        (r["text"], got) for r in short if (got := nlu.understand(r["text"]).language) != "en"
    ]
    other = [s for lang, s in per.items() if lang != "en"]
    labelled = sum(s["labelled"] for s in other)
    urgent = sum(s["urgent"] for s in other)
    ordinary = sum(s["ordinary"] for s in other)
    return {
        "languages": per,
        "urgent_other_languages": urgent,
        "recall_other_languages": sum(s["reached"] for s in other) / urgent if urgent else None,
        "false_alarm_rate_other_languages": (
            sum(s["alarms"] for s in other) / ordinary if ordinary else None
        ),
        "short_english": len(short),
        "short_english_kept": len(short) - len(short_wrong),
        "short_english_wrong": short_wrong,
        "intent_other_languages": (
            sum(s["intent_right"] for s in other) / labelled if labelled else None
        ),
        "intent_english": (
            per["en"]["intent_right"] / per["en"]["labelled"]
            if per.get("en", {}).get("labelled")
            else None
        ),
        "wrong_intent": wrong_intent,
        "misses": misses,
        "false_alarms": alarms,
        "wrong_language": wrong_language,
    }


def _rss_kb() -> int:
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def cost(rows: list[dict], rounds: int = 3) -> dict:
    """Turn latency, English (no encoder) against other languages (encoder), in one run; and
    the resident memory of a second copy of the encoder after one sentence (what it adds)."""
    english = [r["text"] for r in rows if r["language"] == "en"]
    other = [r["text"] for r in rows if r["language"] != "en"]
    timings: dict[str, list[float]] = {"en": [], "other": [], "encoder": []}
    for text in english[:10] + other[:10]:
        nlu.understand(text)
        nlu.retrieve(text)
    for _ in range(rounds):
        for key, texts in (("en", english), ("other", other)):
            for text in texts:
                started = time.perf_counter()
                nlu.understand(text)
                nlu.retrieve(text)
                timings[key].append((time.perf_counter() - started) * 1000)
        model = nlu.load().e5
        for text in other:
            started = time.perf_counter()
            model.encode([text])
            timings["encoder"].append((time.perf_counter() - started) * 1000)
    before = _rss_kb()
    extra = multilingual.E5()
    extra.encode(["Mój mąż mnie bije"])
    added = _rss_kb() - before
    del extra
    out: dict = {"encoder_rss_mb": added / 1024, "process_rss_mb": _rss_kb() / 1024}
    for key, values in timings.items():
        if values:
            values.sort()
            out[f"{key}_median_ms"] = statistics.median(values)
            out[f"{key}_p95_ms"] = values[int(0.95 * (len(values) - 1))]
            out[f"{key}_turns"] = len(values)
    return out


def report(title: str, r: dict) -> None:
    print(title)
    if not r["languages"]:
        print("  (no messages)")
        return
    print("  language  intent        urgent  recall    ordinary  false alarms  language ID")
    for language, s in sorted(r["languages"].items()):
        recall = f"{s['reached'] / s['urgent']:.0%}" if s["urgent"] else "-"
        alarms = f"{s['alarms'] / s['ordinary']:.0%}" if s["ordinary"] else "-"
        intent = (
            f"{s['intent_right'] / s['labelled']:.0%} of {s['labelled']}" if s["labelled"] else "-"
        )
        print(
            f"  {language:<8}  {intent:<12}  {s['urgent']:>6}  {recall:>6}  {s['ordinary']:>10}"
            f"  {alarms:>12}  {s['identified'] / s['messages']:.0%} of {s['messages']}"
        )
    if r["intent_other_languages"] is not None:
        english = r["intent_english"]
        print(
            f"  intent, all other languages: {r['intent_other_languages']:.1%} (target 85% in "
            "every language, within 5 points of English on average)"
            + (f"; English {english:.1%}" if english is not None else "")
        )
    if r["recall_other_languages"] is not None:
        print(
            f"  all other languages: safeguarding recall {r['recall_other_languages']:.1%} of "
            f"{r['urgent_other_languages']} (target 100%)"
            + (
                f", false alarms {r['false_alarm_rate_other_languages']:.1%}"
                if r["false_alarm_rate_other_languages"] is not None
                else ""
            )
        )
    if r["short_english"]:
        print(
            f"  short English (< 5 words) kept English: {r['short_english_kept']} of "
            f"{r['short_english']}"
        )
    for text, got in r["short_english_wrong"]:
        print(f"      short English taken for [{got}] {text}")
    for language, kind, text in r["misses"]:
        print(f"      missed [{language} {kind}] {text}")
    for language, text, signs in r["false_alarms"]:
        print(f"      false alarm [{language}] {text} {signs}")


# v3: held-out in the fourth session, development data since the fifth (data/README.md).
DEV_V3 = HELDOUT_V3 = DATA / "heldout_multilingual_v3.jsonl"
HELDOUT_V4 = DATA / "heldout_multilingual_v4.jsonl"


def heldout_path() -> Path | None:
    """The blind held-out set's file: BOROUGH_MULTILINGUAL_HELDOUT, else data/
    heldout_multilingual_v4.jsonl when it exists (none else: every other set has been seen)."""
    configured = os.environ.get("BOROUGH_MULTILINGUAL_HELDOUT", "").strip()
    if configured:
        path = Path(configured)
        if not path.exists():
            raise SystemExit(f"BOROUGH_MULTILINGUAL_HELDOUT: no such file: {path}")
        return path
    return HELDOUT_V4 if HELDOUT_V4.exists() else None


def evaluate(*, rounds: int = 3) -> dict:
    dev = dev_rows()
    dev_v1 = [dict(row, reference=True) for row in jsonl_rows(DEV_V1)]
    dev_v2 = jsonl_rows(DEV_V2)
    dev_v3 = jsonl_rows(DEV_V3)
    path = heldout_path()
    held = jsonl_rows(path) if path else []
    return {
        "development": score(dev),
        "development_v1": score(dev_v1) if dev_v1 else None,
        "development_v2": score(dev_v2) if dev_v2 else None,
        "development_v3": score(dev_v3) if dev_v3 else None,
        "heldout": score(held) if held else None,
        "heldout_file": str(path) if held else None,
        "cost": cost(dev + dev_v1 + dev_v2 + dev_v3 + held, rounds=rounds),
    }


def targets(r: dict) -> list[str]:
    """Issue 22's acceptance, one line each, on one set's scores."""
    lines = []
    per = r["languages"]
    intents = {
        language: s["intent_right"] / s["labelled"] for language, s in per.items() if s["labelled"]
    }
    below = sorted(f"{lang} {v:.0%}" for lang, v in intents.items() if v < 0.85)
    if intents:
        lines.append(
            "intent >= 85% in every language: "
            + ("met" if not below else "NOT met (" + ", ".join(below) + ")")
        )
    other, english = r["intent_other_languages"], r["intent_english"]
    if other is not None and english is not None:
        gap = (english - other) * 100
        lines.append(
            f"intent within 5 points of English on average: {'met' if gap <= 5 else 'NOT met'} "
            f"({other:.1%} against {english:.1%}, {gap:+.1f} points)"
        )
    recall = sorted(
        f"{lang} {s['reached']} of {s['urgent']}"
        for lang, s in per.items()
        if s["urgent"] and s["reached"] < s["urgent"]
    )
    if any(s["urgent"] for s in per.values()):
        lines.append(
            "safeguarding recall 100% in every language: "
            + ("met" if not recall else "NOT met (" + ", ".join(recall) + ")")
        )
    if r["short_english"]:
        wrong = r["short_english"] - r["short_english_kept"]
        lines.append(
            "no English message under five words taken for another language: "
            + ("met" if not wrong else f"NOT met ({wrong} of {r['short_english']})")
        )
    return lines


def _wrong(r: dict) -> None:
    for expected, got, text in r["wrong_language"]:
        print(f"      language [{expected} -> {got}] {text}")
    for language, expected, got, text in r["wrong_intent"]:
        print(f"      intent [{language}] expected {expected}, got {got}: {text}")


def print_report(r: dict, *, show_languages: bool = False) -> None:
    report("Every language: development set (used for tuning)", r["development"])
    if r["development_v1"] is not None:
        report(
            "Every language: development set, formerly held-out (studied since; intent = the "
            "English gloss's)",
            r["development_v1"],
        )
    if r.get("development_v2") is not None:
        report(
            "Every language: development set v2, formerly held-out (studied since 2026-12-07)",
            r["development_v2"],
        )
        if show_languages:
            _wrong(r["development_v2"])
    if r.get("development_v3") is not None:
        report(
            "Every language: development set v3, formerly held-out (studied since the fifth "
            "session)",
            r["development_v3"],
        )
        if show_languages:
            _wrong(r["development_v3"])
    if r["heldout"] is not None:
        report(f"Every language: HELD-OUT set ({r['heldout_file']})", r["heldout"])
        for line in targets(r["heldout"]):
            print(f"  issue 22 target: {line}")
        if show_languages:
            _wrong(r["heldout"])
    else:
        print(
            "  (no held-out set: set BOROUGH_MULTILINGUAL_HELDOUT to a blind set's file, or put it"
            " at data/heldout_multilingual_v4.jsonl)"
        )
    c = r["cost"]
    print(
        f"  turn latency, English (MiniLM + e5 urgency) median {c['en_median_ms']:.1f} ms, p95 "
        f"{c['en_p95_ms']:.1f} ms; other languages (+ e5) median {c['other_median_ms']:.1f} ms, "
        f"p95 {c['other_p95_ms']:.1f} ms (target p95 < 300 ms); e5 alone median "
        f"{c['encoder_median_ms']:.1f} ms"
    )
    print(
        f"  memory: the e5 encoder adds {c['encoder_rss_mb']:.0f} MB resident; process "
        f"{c['process_rss_mb']:.0f} MB"
    )
