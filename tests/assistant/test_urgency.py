"""Danger described without its words reaches a person (issue 22; urgency.py, ADR 0048).

The messages below were written for this test, not taken from any evaluation or development set
or from data/urgency.yaml: indirect descriptions a resident might type, and everyday messages
that share words with danger.
"""

from __future__ import annotations

import numpy as np
import pytest

from borough.assistant import nlu
from borough.assistant.nlu import urgency

INDIRECT_DANGER = [
    "he told me if i go to my mums he will come and get me and i wont like it",
    "i cant see myself being here by the weekend",
    "the little girl upstairs has been by herself since yesterday morning, i can hear her crying",
    "my aunt's new lodger has got her bank card and she hasnt had a proper meal in days",
    "there is a smell like bad eggs near our cooker and my head is spinning",
    "i have to leave the shelter tonight and i have nowhere at all to go",
]

EVERYDAY = [
    "my wheelie bin lid is broken and it's a hazard for the children",
    "just killing time until the library opens, what are the hours",
    "when is my gas safety check",
]


def test_the_threshold_is_chosen_for_recall_on_held_out_folds():
    # Two clouds of unit vectors: the threshold keeps the floor of the urgent side's
    # out-of-fold probabilities, and the false-alarm rate is reported beside it.
    rng = np.random.default_rng(1)
    urgent = rng.normal(0.3, 1, (60, 8))
    ordinary = rng.normal(-0.3, 1, (140, 8))
    x = np.vstack([urgent, ordinary]).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    data = urgency.Data()
    data.add([f"u{i}" for i in range(60)], True, "health")
    data.add([f"o{i}" for i in range(140)], False)
    model = urgency.train(x, x, data)
    assert model.report["validation_recall"] >= urgency.RECALL_FLOOR
    assert 0 <= model.report["validation_false_alarms"] < 1
    probabilities = np.array([model.probability(v, v) for v in x[:60]])
    assert (probabilities >= model.threshold).mean() >= 0.9


def test_only_words_are_read():
    assert not urgency.readable("ama@example.com")
    assert not urgency.readable("4471-22, E8 1DY")
    assert urgency.readable("help me")


@pytest.mark.parametrize("text", INDIRECT_DANGER)
def test_danger_without_its_words_is_safeguarding(text):
    got = nlu.understand(text)
    assert got.vulnerability.level == "safeguarding", (text, got.vulnerability)
    assert got.vulnerability.signs  # staff can see why


@pytest.mark.parametrize("text", EVERYDAY)
def test_everyday_messages_sharing_words_with_danger_are_not(text):
    assert nlu.understand(text).vulnerability.level != "safeguarding"
