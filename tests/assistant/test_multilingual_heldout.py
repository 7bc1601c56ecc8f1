"""Issue 22 on the v2 set: every language's intent, safeguarding and language ID (and the bench's
blind-set switch and target lines).

data/heldout_multilingual_v2.jsonl was written blind by another helper (data/README.md), run
once as the held-out set, and is DEVELOPMENT data since 2026-12-07 (fourth session): its misses
were studied to improve the approach (never its sentences copied into examples). The floors
below are what the improved approach measures on it (docs/benchmarks.md, "Every resident's
language"): a regression check, not a measure of accuracy, which the blind v3 set will give.
A change that loses any of these fails.

One pass over the set through the understanding (the chat turns an understanding at
safeguarding level into a handover: test_multilingual_safeguarding.py).
"""

from __future__ import annotations

from bench.assistant_multilingual import HELDOUT, jsonl_rows, score

# language: (urgent messages reaching safeguarding, of 14; ordinary messages with the intent the
# writer labelled, of 24; messages whose language was identified, of 38 (78 for English))
# Measured 2026-12-07 (fourth session) less one each: the examples written after that run
# (uncovered intents, Polish leaks, the three-word fallback) were not measured on v2 again.
MEASURED = {
    "en": (13, 32, 76),  # English intent is of 35 labelled (24 ordinary and 11 short)
    "ar": (13, 19, 37),
    "bn": (13, 21, 37),
    "gu": (13, 20, 37),
    "hi": (13, 21, 29),
    "pa": (13, 22, 36),
    "pl": (13, 21, 35),
    "pt": (13, 21, 35),
    "ro": (13, 19, 35),
    "so": (13, 17, 37),
    "ta": (13, 21, 37),
    "ur": (13, 21, 37),
}
FALSE_ALARMS_OTHER_LANGUAGES = 6  # of 264 ordinary messages (4 measured)
SHORT_ENGLISH_KEPT = 39  # of 40 ('Acacia Avenue' was taken for Spanish)


def test_v2_held_out_floors():
    rows = jsonl_rows(HELDOUT)
    assert len(rows) == 496
    result = score(rows)
    got = {
        language: (s["reached"], s["intent_right"], s["identified"])
        for language, s in result["languages"].items()
    }
    below = {
        language: (got[language], floor)
        for language, floor in MEASURED.items()
        if any(g < f for g, f in zip(got[language], floor, strict=True))
    }
    assert below == {}, below
    alarms = sum(s["alarms"] for lang, s in result["languages"].items() if lang != "en")
    assert alarms <= FALSE_ALARMS_OTHER_LANGUAGES, result["false_alarms"]
    assert result["languages"]["en"]["alarms"] == 0
    assert result["short_english"] == 40
    assert result["short_english_kept"] >= SHORT_ENGLISH_KEPT, result["short_english_wrong"]


def test_a_blind_set_is_named_by_the_environment_and_a_missing_file_is_a_clear_error(
    tmp_path, monkeypatch
):
    from bench import assistant_multilingual

    blind = tmp_path / "v4.jsonl"
    blind.write_text('{"language": "pl", "text": "kiedy wywóz śmieci", "urgent": false}\n')
    monkeypatch.setenv("BOROUGH_MULTILINGUAL_HELDOUT", str(blind))
    assert assistant_multilingual.heldout_path() == blind
    monkeypatch.setenv("BOROUGH_MULTILINGUAL_HELDOUT", str(tmp_path / "missing.jsonl"))
    try:
        assistant_multilingual.heldout_path()
    except SystemExit as error:
        assert "missing.jsonl" in str(error)
    else:
        raise AssertionError("a missing blind set must stop the run")


def test_the_report_names_each_language_below_a_target():
    from bench.assistant_multilingual import targets

    def stats(urgent, reached, labelled, right):
        return {"urgent": urgent, "reached": reached, "labelled": labelled, "intent_right": right}

    lines = targets(
        {
            "languages": {"en": stats(10, 10, 20, 19), "so": stats(10, 9, 20, 15)},
            "intent_other_languages": 0.75,
            "intent_english": 0.95,
            "short_english": 30,
            "short_english_kept": 30,
        }
    )
    assert "NOT met (so 75%)" in lines[0]
    assert "NOT met" in lines[1] and "+20.0 points" in lines[1]
    assert "NOT met (so 9 of 10)" in lines[2]
    assert lines[3].endswith("met")
