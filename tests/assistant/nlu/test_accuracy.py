"""Floors on the held-out set (issue 8's targets): these fail if the understanding gets worse.

Phrases are embedded in one batch (the same vectors as one at a time, see test_interface) to
keep the test quick; ``make eval-assistant`` runs them through understand() one by one.
"""

from __future__ import annotations

from borough.assistant.nlu import content


def test_intent_accuracy_and_out_of_scope_recall_meet_the_targets(brain, embed):
    held = content.heldout()
    rows = [(t, intent) for intent, texts in held["intents"].items() for t in texts]
    texts = [t for t, _ in rows] + held["out_of_scope"]
    predicted = brain.classifier.predict(embed(texts))
    in_scope = predicted[: len(rows)]
    accuracy = sum(p == intent for (p, _), (_, intent) in zip(in_scope, rows, strict=True)) / len(
        rows
    )
    oos_recall = sum(p is None for p, _ in predicted[len(rows) :]) / len(held["out_of_scope"])
    # Issue 8's target. Issue 17's seven new services first measured 93.2% (their held-out phrases
    # written on 2026-12-07 by an evaluator who had not seen the training data); more varied
    # training phrasings for them (and arrears, reminders and lost badges moved from the FAQs to
    # the account and Blue Badge services) measured 97.9% (docs/benchmarks.md). Raising it means
    # better training data, never edits to the held-out set.
    assert accuracy >= 0.95
    assert oos_recall >= 0.80


def test_threshold_was_chosen_on_training_data(brain):
    v = brain.validation
    assert 0.05 <= v["threshold"] < 0.9
    assert v["validation_oos_recall"] >= 0.85
