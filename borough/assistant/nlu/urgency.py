"""Is someone in danger? A binary classifier over the multilingual encoder (ADR 0048).

The lexicons (vulnerability.yaml, vulnerability_multilingual.yaml) catch danger said with its
words, and similarity to a few example phrases catches wording close to one of them. Residents
often describe danger without its words ("he said if I leave he'll find me", "I don't see the
point any more", a child left alone for hours): each phrasing is new, so neither a list nor a
nearest neighbour reaches them all. This classifier learns the boundary between urgent and
ordinary from many examples of each (data/urgency.yaml, the English safeguarding examples, the
urgent and ordinary examples in eleven other languages, every intent's training utterances), on
multilingual-e5-small vectors, so it reads every language the same way.

Recall comes first: a resident in danger must reach a person, and a false alarm costs a person a
minute. The threshold is the highest probability at which the out-of-fold recall on the urgent
examples reaches ``RECALL_FLOOR`` (cross-validated on the team's own examples, never on an
evaluation set); its out-of-fold false-alarm rate on ordinary examples is reported beside it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from borough.core import yamlfile

from .classifier import _folds, _softmax, fit_logistic
from .content import DATA

logger = logging.getLogger(__name__)

EXAMPLES = DATA / "urgency.yaml"
# Out-of-fold recall the threshold must reach on the urgent examples.
RECALL_FLOOR = 0.93
# Bump when the training changes, so a cached classifier is not reused.
VERSION = "2"
# Training: L2 on the weights and full-batch Adam steps (classifier.fit_logistic). Of 1e-4, 1e-3
# and 1e-2 (and standardised features), 1e-4 gave the fewest out-of-fold false alarms at the
# recall floor (docs/adr/0048-urgency-classifier.md).
L2 = 1e-4
ITERATIONS = 300


@dataclass
class Data:
    """(text, urgent, driver) rows: driver is the vulnerability driver of an urgent row."""

    texts: list[str] = field(default_factory=list)
    urgent: list[bool] = field(default_factory=list)
    drivers: list[str] = field(default_factory=list)

    def add(self, texts: list[str], urgent: bool, driver: str = "") -> None:
        self.texts += list(texts)
        self.urgent += [urgent] * len(texts)
        self.drivers += [driver] * len(texts)


def read_examples(path: Path = EXAMPLES) -> Data:
    with open(path, encoding="utf-8") as handle:
        data = yamlfile.load(handle) or {}
    rows = Data()
    for driver, categories in (data.get("urgent") or {}).items():
        for messages in (categories or {}).values():
            rows.add(messages, True, driver)
    for messages in (data.get("not_urgent") or {}).values():
        rows.add(messages, False)
    return rows


@dataclass
class Urgency:
    """Two logistic regressions, one over each encoder's vectors (multilingual-e5 and the
    English MiniLM); a message's urgent probability is their mean."""

    weights: list[np.ndarray]  # [e5, MiniLM]
    biases: list[np.ndarray]
    threshold: float
    # The urgent examples' e5 vectors and drivers: the driver of the nearest one is recorded.
    urgent_vectors: np.ndarray
    urgent_texts: list[str]
    urgent_drivers: list[str]
    report: dict

    def probability(self, e5: np.ndarray, minilm: np.ndarray) -> float:
        return float(
            np.mean(
                [
                    _softmax((v[None, :] @ w) + b)[0, 1]
                    for v, w, b in zip((e5, minilm), self.weights, self.biases, strict=True)
                ]
            )
        )

    def assess(self, e5: np.ndarray, minilm: np.ndarray) -> tuple[float, str, str] | None:
        """(probability, driver, nearest urgent example) when the message is urgent, else None."""
        p = self.probability(e5, minilm)
        if p < self.threshold:
            return None
        nearest = int(np.argmax(self.urgent_vectors @ e5))
        return p, self.urgent_drivers[nearest], self.urgent_texts[nearest]


def out_of_fold(x: np.ndarray, y: np.ndarray, folds: int = 5) -> np.ndarray:
    """Each row's urgent probability from a classifier that did not see it."""
    probabilities = np.zeros(len(y), dtype=np.float32)
    for held in _folds(y, folds):
        keep = np.setdiff1d(np.arange(len(y)), held)
        w, b = fit_logistic(x[keep], y[keep], 2, l2=L2, iterations=ITERATIONS)
        probabilities[held] = _softmax(x[held] @ w + b)[:, 1]
    return probabilities


def choose_threshold(
    probabilities: np.ndarray, y: np.ndarray, floor: float = RECALL_FLOOR
) -> tuple[float, float, float]:
    """(threshold, out-of-fold recall, out-of-fold false-alarm rate): the highest threshold
    whose recall on the urgent rows reaches ``floor``."""
    urgent = np.sort(probabilities[y == 1])
    # At most this many urgent rows may fall below the threshold.
    allowed = int(np.floor((1 - floor) * len(urgent)))
    threshold = float(urgent[allowed]) if len(urgent) else 0.5
    recall = float(np.mean(probabilities[y == 1] >= threshold)) if len(urgent) else 1.0
    alarms = float(np.mean(probabilities[y == 0] >= threshold)) if (y == 0).any() else 0.0
    return threshold, recall, alarms


def train(e5: np.ndarray, minilm: np.ndarray, data: Data) -> Urgency:
    y = np.array(data.urgent, dtype=int)
    probabilities = (out_of_fold(e5, y) + out_of_fold(minilm, y)) / 2
    threshold, recall, alarms = choose_threshold(probabilities, y)
    fitted = [fit_logistic(x, y, 2, l2=L2, iterations=ITERATIONS) for x in (e5, minilm)]
    rows = np.flatnonzero(y == 1)
    return Urgency(
        weights=[w for w, _ in fitted],
        biases=[b for _, b in fitted],
        threshold=threshold,
        urgent_vectors=e5[rows],
        urgent_texts=[data.texts[i] for i in rows],
        urgent_drivers=[data.drivers[i] for i in rows],
        report={
            "threshold": threshold,
            "validation_recall": recall,
            "validation_false_alarms": alarms,
            "urgent": int(y.sum()),
            "ordinary": int(len(y) - y.sum()),
        },
    )


def trained(
    e5: np.ndarray, minilm: np.ndarray, data: Data, *, stamp: str, directory: Path | None
) -> Urgency:
    """Train, or reuse the classifier trained on exactly these rows by these encoders."""
    digest = hashlib.sha1(usedforsecurity=False)
    digest.update(f"{VERSION}:{stamp}:{RECALL_FLOOR}:{L2}:{ITERATIONS}".encode())
    for text, urgent, driver in zip(data.texts, data.urgent, data.drivers, strict=True):
        digest.update(f"\x00{int(urgent)}{driver}\x01{text}".encode())
    path = directory / f"urgency-{digest.hexdigest()[:16]}.npz" if directory else None
    if path is not None and path.exists():
        try:
            with np.load(path) as stored:
                rows = np.flatnonzero(np.array(data.urgent))
                return Urgency(
                    weights=[stored["w_e5"], stored["w_minilm"]],
                    biases=[stored["b_e5"], stored["b_minilm"]],
                    threshold=float(stored["threshold"]),
                    urgent_vectors=e5[rows],
                    urgent_texts=[data.texts[i] for i in rows],
                    urgent_drivers=[data.drivers[i] for i in rows],
                    report=json.loads(str(stored["report"])),
                )
        except (OSError, ValueError, KeyError):
            pass
    urgency = train(e5, minilm, data)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(f".{os.getpid()}.tmp.npz")
            np.savez(
                partial,
                w_e5=urgency.weights[0],
                w_minilm=urgency.weights[1],
                b_e5=urgency.biases[0],
                b_minilm=urgency.biases[1],
                threshold=urgency.threshold,
                report=json.dumps(urgency.report),
            )
            os.replace(partial, path)
        except OSError:
            logger.warning("Could not write the urgency classifier's cache at %s", path)
    return urgency


def training_data(
    english_examples: list[tuple[str, str]], ordinary: list[str], out_of_scope: list[str]
) -> Data:
    """Everything the classifier learns from: data/urgency.yaml; the English safeguarding
    example phrases and anchors ([(driver, phrase)]) as urgent; the ordinary requests (the
    support-level example phrases and every intent's utterances but the safety pages') and the
    out-of-scope phrases as not urgent.
    (The examples in other languages are left out: the classifier reads English, ADR 0048.)"""
    data = read_examples()
    for driver, phrase in english_examples:
        data.add([phrase], True, driver)
    data.add(ordinary, False)
    data.add(out_of_scope, False)
    return data


# Email addresses, links and codes with digits are no one's words.
_NOT_WORDS = re.compile(r"\S+@\S+|\bhttps?://\S+|\bwww\.\S+|\S*\d\S*")


def readable(text: str) -> bool:
    """Has the message words to read (not only a reference, a link or an email address)?"""
    return sum(c.isalpha() for c in _NOT_WORDS.sub(" ", text)) >= 3
