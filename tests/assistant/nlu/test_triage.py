"""Vulnerability triage: every safeguarding phrase reaches a person; ordinary requests do not."""

from __future__ import annotations

import numpy as np

from borough.assistant import nlu
from borough.assistant.nlu import content
from borough.assistant.nlu.vulnerability import load_lexicon


def _levels(brain, embed, texts):
    vectors = embed(texts)
    return [brain.triage.assess(t, v) for t, v in zip(texts, vectors, strict=True)]


def test_every_safeguarding_test_phrase_is_safeguarding(brain, embed):
    phrases = content.heldout()["safeguarding"]
    assert len(phrases) >= 40
    missed = [
        t
        for t, v in zip(phrases, _levels(brain, embed, phrases), strict=True)
        if v.level != "safeguarding"
    ]
    assert missed == []


def test_ordinary_requests_are_not_safeguarding(brain, embed):
    held = content.heldout()
    # Questions about domestic abuse or a child at risk may rightly reach a person (with the help
    # page linked), so they are not counted as false alarms.
    safety = content.safety_intents()
    phrases = held["ordinary"] + [
        t for intent, texts in held["intents"].items() if intent not in safety for t in texts
    ]
    alarms = [
        t
        for t, v in zip(phrases, _levels(brain, embed, phrases), strict=True)
        if v.level == "safeguarding"
    ]
    # Low false alarms: at most 2% of ordinary messages go to a person for safeguarding.
    assert len(alarms) <= 0.02 * len(phrases), alarms


def test_signs_say_why_for_an_audit(brain):
    u = nlu.understand("my partner hits me and i'm scared to go home")
    assert u.vulnerability.level == "safeguarding"
    assert "abuse or domestic violence" in u.vulnerability.signs
    assert "life_events" in u.vulnerability.drivers


def test_no_heating_needs_a_medical_condition_or_a_baby_to_be_safeguarding(brain):
    plain = nlu.understand("the heating is not working in my council flat")
    baby = nlu.understand("the heating is not working and I have a 2 week old baby")
    assert plain.vulnerability.level != "safeguarding"
    assert baby.vulnerability.level == "safeguarding"
    assert "no heating or water with a medical condition or a baby" in baby.vulnerability.signs


def test_support_signs_by_driver(brain):
    cases = {
        "I use a wheelchair and can't get my bin out": "health",
        "my husband passed away last month and the bill is in his name": "life_events",
        "I'm behind on my council tax and bailiffs wrote to me": "resilience",
        "I can't read the letter you sent, my english is not good": "capability",
    }
    for text, driver in cases.items():
        v = nlu.understand(text).vulnerability
        assert v.level == "support", text
        assert driver in v.drivers, text


def test_a_paraphrase_of_an_example_phrase_is_caught_without_a_lexicon_word(brain):
    # No lexicon pattern matches this; it is close in meaning to an example phrase.
    text = "honestly everybody would be happier if I wasn't around"
    signs, _ = load_lexicon()
    assert not any(sign.matches(text) for sign in signs)
    v = nlu.understand(text).vulnerability
    assert v.level == "safeguarding"
    assert any(s.startswith("similar to:") for s in v.signs)


def test_lexicon_patterns_all_compile_and_have_a_known_driver():
    signs, examples = load_lexicon()
    assert {s.driver for s in signs} <= {"health", "life_events", "resilience", "capability"}
    assert {s.level for s in signs} == {"safeguarding", "support"}
    for level in ("safeguarding", "support"):
        assert set(examples[level]) <= {"health", "life_events", "resilience", "capability"}
        assert np.all([isinstance(t, str) for ts in examples[level].values() for t in ts])
