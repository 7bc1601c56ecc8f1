"""Finding a service from a resident's own words.

Residents do not type the council's names for things: they type "rubbish not taken", "hole in
the road", "grafitti", "flytipping", "moved house council tax". The index matches a query
against each service's name, summary, keywords, category and LGSL label, with:

- synonyms (groups of words that mean the same thing to residents, in ``data/synonyms.yaml``,
  which a council can edit), weighted a little below the word typed;
- forgiving spelling: a word that matches nothing is compared with every word the index knows,
  and a close one (difflib's ratio, at least 0.8) stands in for it; a word that is two known
  words run together ("flytipping", "streetlight") is split;
- plural and simple word endings folded ("bins" = "bin", "potholes" = "pothole").

The index is small (a council's online services) and rebuilt from the catalogue when asked;
nothing here touches the database (``selectors.service_search`` does that).
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from borough.core import yamlfile

SYNONYMS_FILE = Path(__file__).parent / "data" / "synonyms.yaml"

# Words that say nothing about which service is wanted.
STOPWORDS = frozenset(
    """a an the and or my our your their his her its i we you me us it is are was were be been
    being to of for on in at by with from into about there this that these those has have had do
    does did can could will would should please how what where when who why which want need
    local near outside some any""".split()  # noqa: SIM905 (a list of words reads better so)
) | frozenset(
    # Polish, for residents who search in Polish (written without diacritics, as folded below)
    """w we na z ze do o od po przy u jest sa moj moja moje moim mnie mi sie czy jak gdzie
    chce prosze""".split()  # noqa: SIM905
)

# How much each field counts when a word is found in it.
FIELD_WEIGHTS = {
    "name": 3.0,
    "keywords": 2.5,
    "lgsl": 1.5,
    "summary": 1.5,
    "category": 1.0,
    "description": 0.4,
}
SYNONYM_WEIGHT = 0.6
SPELLING_WEIGHT = 0.85
PHRASE_BONUS = 2.0
# Hits scoring below this share of the best hit are not shown.
RELEVANCE_FLOOR = 0.3


def _fold(word: str) -> str:
    """A word with plural and common endings folded, so "bins" finds "bin"."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _plain(text: str) -> str:
    """``text`` without diacritics, so "śmieci" and "smieci" are the same word."""
    decomposed = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    """Lower-cased, folded words of ``text``, without punctuation or stop words."""
    raw = re.findall(r"[a-z0-9]+", _plain(text.lower().replace("'", "")))
    return [_fold(w) for w in raw if w not in STOPWORDS]


@dataclass(frozen=True)
class SearchDocument:
    """What the index knows about one service."""

    slug: str
    name: str
    summary: str = ""
    keywords: tuple[str, ...] = ()
    category: str = ""
    lgsl: str = ""
    description: str = ""
    url: str = ""  # for pages that are not a catalogue service (found by search all the same)


@dataclass
class SearchHit:
    slug: str
    score: float
    matched: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class _Term:
    word: str
    weight: float
    source: str  # the word the resident typed that this term stands for


@cache
def load_synonyms(path: Path = SYNONYMS_FILE) -> tuple[tuple[str, ...], ...]:
    """Synonym groups: each a tuple of folded words or phrases that mean the same."""
    data = yamlfile.load(path.read_text(encoding="utf-8")) or {}
    groups = []
    for group in data.get("groups", []):
        groups.append(tuple(" ".join(words(item)) for item in group if words(item)))
    return tuple(groups)


class ServiceIndex:
    """An in-memory index of services, searched with ``search(query)``."""

    def __init__(self, documents: list[SearchDocument], synonyms=None):
        self.documents = {doc.slug: doc for doc in documents}
        self.synonyms = load_synonyms() if synonyms is None else synonyms
        # word -> {slug: best field weight}
        self.postings: dict[str, dict[str, float]] = defaultdict(dict)
        # Phrases (two or more words) from names and keywords, for the phrase bonus.
        self.phrases: dict[str, set[str]] = defaultdict(set)
        for doc in documents:
            fields = {
                "name": [doc.name],
                "keywords": list(doc.keywords),
                "lgsl": [doc.lgsl],
                "summary": [doc.summary],
                "category": [doc.category],
                "description": [doc.description],
            }
            for name, texts in fields.items():
                weight = FIELD_WEIGHTS[name]
                for text in texts:
                    found = words(text)
                    for word in found:
                        if self.postings[word].get(doc.slug, 0) < weight:
                            self.postings[word][doc.slug] = weight
                    if name in {"name", "keywords"} and len(found) > 1:
                        self.phrases[" ".join(found)].add(doc.slug)
        self.vocabulary = sorted(self.postings)
        self._synonyms_of: dict[str, set[str]] = defaultdict(set)
        for group in self.synonyms:
            for item in group:
                self._synonyms_of[item].update(other for other in group if other != item)

    def _idf(self, word: str) -> float:
        count = len(self.postings.get(word, ()))
        return math.log(1 + len(self.documents) / count) if count else 0.0

    def _respell(self, word: str) -> list[str]:
        """Known words that ``word`` was probably meant to be."""
        if word in self.postings or len(word) < 4:
            return [word] if word in self.postings else []
        for cut in range(3, len(word) - 2):  # two words run together: "flytipping"
            left, right = word[:cut], _fold(word[cut:])
            if left in self.postings and right in self.postings:
                return [left, right]
        return difflib.get_close_matches(word, self.vocabulary, n=2, cutoff=0.8)

    def _terms(self, query_words: list[str]) -> list[_Term]:
        terms: list[_Term] = []
        typed = " ".join(query_words)
        # Multi-word synonyms first ("hole in road" -> pothole), then single words.
        for phrase, others in self._synonyms_of.items():
            if " " in phrase and f" {phrase} " in f" {typed} ":
                for other in others:
                    terms.extend(_Term(w, SYNONYM_WEIGHT, phrase) for w in other.split())
        for word in query_words:
            known = self._respell(word)
            if known == [word]:
                terms.append(_Term(word, 1.0, word))
            else:
                terms.extend(_Term(k, SPELLING_WEIGHT, word) for k in known)
            for spelled in known or [word]:
                for other in self._synonyms_of.get(spelled, ()):
                    terms.extend(_Term(w, SYNONYM_WEIGHT, word) for w in other.split())
        return terms

    def search(self, query: str, *, limit: int = 10) -> list[SearchHit]:
        """Services matching ``query``, best first. Empty when nothing matches."""
        query_words = words(query)
        if not query_words:
            return []
        scores: dict[str, float] = defaultdict(float)
        matched: dict[str, set[str]] = defaultdict(set)
        best: dict[tuple[str, str, str], float] = {}
        for term in self._terms(query_words):
            idf = self._idf(term.word)
            for slug, field_weight in self.postings.get(term.word, {}).items():
                key = (slug, term.source, term.word)
                value = term.weight * field_weight * idf
                if value > best.get(key, 0):
                    best[key] = value
        # Each typed word counts once per service: the best of its spellings and synonyms.
        per_source: dict[tuple[str, str], float] = {}
        for (slug, source, _), value in best.items():
            per_source[(slug, source)] = max(per_source.get((slug, source), 0), value)
        for (slug, source), value in per_source.items():
            scores[slug] += value
            matched[slug].add(source)
        typed = " ".join(query_words)
        for phrase, slugs in self.phrases.items():
            if f" {phrase} " in f" {typed} ":
                for slug in slugs:
                    scores[slug] += PHRASE_BONUS * len(phrase.split())
        sources = {t.source for t in self._terms(query_words)} or set(query_words)
        hits = []
        for slug, score in scores.items():
            coverage = len(matched[slug]) / max(len(sources), 1)
            hits.append(SearchHit(slug=slug, score=score * (0.5 + coverage), matched=matched[slug]))
        hits.sort(key=lambda hit: (-hit.score, self.documents[hit.slug].name))
        if not hits:
            return []
        # Drop the long tail of services that share one common word with the query.
        floor = hits[0].score * RELEVANCE_FLOOR
        return [hit for hit in hits if hit.score >= floor][:limit]
