"""Understanding messages in other languages with the multilingual encoder (ADR 0029).

multilingual-e5-small places sentences of about 100 languages in one space, so a classifier
trained on it with English utterances gives a Polish or Urdu message some intent; with a few
messages written in each language (data/multilingual_examples.yaml) it gives the right one far
more often. The same examples feed safeguarding: urgent messages in each language join the
English example phrases, and ordinary ones join the ordinary requests a message must be
further from (multilingual.CrossLingual), so that being written in Urdu never makes a message
look urgent by itself.

English messages never come here: their intent stays with the English model (ADR 0021), at
the cost and quality it had.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from borough.core import yamlfile

from .classifier import OUT_OF_SCOPE
from .content import DATA

EXAMPLES = DATA / "multilingual_examples.yaml"
# More ordinary messages per language (and in Latin letters for the Indic languages and Urdu),
# written later; read after EXAMPLES, their lists added to its.
MORE_EXAMPLES = DATA / "multilingual_intents.yaml"
# The intents the development sets showed least known (a complaint, a Blue Badge, the tip...),
# a few more messages each per language; read last.
LONG_TAIL = DATA / "multilingual_long_tail.yaml"


@dataclass
class Examples:
    """The team's messages in other languages: urgent ones by driver, ordinary ones by intent."""

    urgent: list[tuple[str, str]] = field(default_factory=list)  # [(driver, message)]
    ordinary: list[tuple[str, str]] = field(default_factory=list)  # [(intent, message)]
    languages: list[str] = field(default_factory=list)
    # The language of each urgent and each ordinary message ('ur-latn' is Urdu in Latin letters).
    urgent_languages: list[str] = field(default_factory=list)
    ordinary_languages: list[str] = field(default_factory=list)
    # Ordinary messages for the intent classifier only (LONG_TAIL): not on the ordinary side of
    # the safeguarding margin nor in each language's mean, which they would move (measured: two
    # urgent development messages fell below the margin when they were).
    intent_only: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def load(cls, *paths) -> Examples:
        examples = cls()
        for path in paths or (EXAMPLES, MORE_EXAMPLES):
            examples._read(path)
        if not paths:
            examples._read(LONG_TAIL, intent_only=True)
        return examples

    def _read(self, path, *, intent_only: bool = False) -> None:
        with open(path, encoding="utf-8") as handle:
            data = yamlfile.load(handle) or {}
        examples = self
        for language, groups in (data.get("languages") or {}).items():
            if language not in examples.languages:
                examples.languages.append(language)
            for driver, messages in (groups.get("urgent") or {}).items():
                examples.urgent += [(driver, m) for m in messages]
                examples.urgent_languages += [language] * len(messages)
            for intent, messages in (groups.get("intents") or {}).items():
                label = OUT_OF_SCOPE if intent == "out_of_scope" else intent
                if intent_only:
                    examples.intent_only += [(label, m) for m in messages]
                    continue
                examples.ordinary += [(label, m) for m in messages]
                examples.ordinary_languages += [language] * len(messages)

    def intents(self) -> set[str]:
        return {intent for intent, _ in self.labelled() if intent != OUT_OF_SCOPE}

    def labelled(self) -> list[tuple[str, str]]:
        """Every ordinary message with its intent, for the intent classifier."""
        return self.ordinary + self.intent_only


def training_set(
    english: dict[str, list[str]], out_of_scope: list[str], examples: Examples
) -> tuple[list[str], list[str]]:
    """(texts, labels) for the multilingual intent classifier: every English utterance and
    out-of-scope phrase, and the examples in other languages."""
    texts, labels = [], []
    for intent, utterances in english.items():
        texts += utterances
        labels += [intent] * len(utterances)
    texts += out_of_scope
    labels += [OUT_OF_SCOPE] * len(out_of_scope)
    for intent, message in examples.labelled():
        texts.append(message)
        labels.append(intent)
    return texts, labels


def ordinary_messages(english: list[str], examples: Examples) -> list[str]:
    """The ordinary side of the safeguarding margin: English requests and the examples."""
    return english + [message for intent, message in examples.ordinary]


class Centring:
    """Each language's mean e5 vector, subtracted before comparing (then unit length again).

    Sentences in one language share a component in e5 whatever they say, so an ordinary Somali
    message can sit closer to an urgent Somali example than to any ordinary English request.
    Taking away each language's mean (over the team's messages in it) leaves mostly meaning;
    a language without examples gets the mean over all of them."""

    def __init__(self, vectors: np.ndarray, languages: list[str]):
        names = np.array(languages)
        self.means = {
            language: vectors[names == language].mean(axis=0) for language in set(languages)
        }
        self.fallback = vectors.mean(axis=0)

    def mean(self, language: str) -> np.ndarray:
        return self.means.get(language, self.fallback)

    def apply(self, vectors: np.ndarray, languages: list[str]) -> np.ndarray:
        centred = vectors - np.stack([self.mean(language) for language in languages])
        norms = np.linalg.norm(centred, axis=1, keepdims=True)
        return centred / np.maximum(norms, 1e-6)

    def one(self, vector: np.ndarray, language: str) -> np.ndarray:
        return self.apply(vector[None, :], [language])[0]
