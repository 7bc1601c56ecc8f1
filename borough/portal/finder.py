"""The portal's search: what a resident means, not only the words they typed (issue 17).

Three readings of the query are added up for every service and help page:

- the assistant's intent classifier (``service:<slug>``, ``faq:<key>``): the probability it
  gives each page, from the sentence embedding of the whole query;
- the assistant's retrieval index: how close the query is in meaning to a page's title,
  summary, questions and paragraphs;
- the catalogue's word index (``catalogue.search``): names, keywords, synonyms and spelling, so
  a single word, a typo or a Polish query still finds its service.

The weights were chosen on the team's own development phrasings (tests/portal/test_search.py
and bench/search_eval.py's ``DEVELOPMENT``), never on the held-out set.

Urgent needs (nowhere to sleep tonight, a gas smell, no heating in winter, a flood) put a
phone number above the results, in the words of the council's own help pages so the numbers
are written once (``urgent.py``).
"""

from __future__ import annotations

import datetime
import difflib
import logging
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from borough.assistant import nlu
from borough.assistant.nlu.classifier import decide
from borough.assistant.nlu.content import faqs
from borough.assistant.nlu.retrieval import MIN_SCORE as QUOTABLE
from borough.catalogue.models import Service
from borough.catalogue.search import SearchDocument, ServiceIndex, words
from borough.catalogue.selectors import search_documents, services_online

from .urgent import UrgentNotice, urgent_notice

logger = logging.getLogger(__name__)

# How much each reading counts (chosen on the development phrasings only).
CLASSIFIER_WEIGHT = 1.0
RETRIEVAL_WEIGHT = 1.5
RETRIEVAL_FLOOR = 0.35  # cosine similarity below which a page is not close in meaning
WORDS_WEIGHT = 0.6
# A result is shown if it scores at least this, and at least this share of the best.
MIN_SCORE = 0.12
RELATIVE_FLOOR = 0.25
RETRIEVAL_DEPTH = 8
# How close a misspelling must be to stand in for a word when the assistant does not understand.
CLOSE_SPELLING = 0.85


@dataclass(frozen=True)
class Found:
    results: list[Service | SearchDocument]
    urgent: UrgentNotice | None


def help_documents() -> tuple[SearchDocument, ...]:
    """Every help page as something search can find (``help:<key>``)."""
    return tuple(
        SearchDocument(
            slug=f"help:{faq.key}",
            name=faq.title,
            summary=faq.summary,
            keywords=faq.questions,
            category=_("Help"),
            description=" ".join(faq.answer),
            url=faq.url,
        )
        for faq in faqs()
    )


def _page_id(url: str) -> str | None:
    match = re.fullmatch(r"/(services|help)/([a-z0-9-]+)/", url)
    if match is None:
        return None
    return match.group(2) if match.group(1) == "services" else f"help:{match.group(2)}"


def _intent_id(label: str) -> str | None:
    if label == "bin_days":
        return "page:bin-days"
    kind, _sep, name = label.partition(":")
    if kind == "service":
        return name
    if kind == "faq":
        return f"help:{name}"
    return None


def meaning_scores(query: str) -> tuple[dict[str, float], bool]:
    """Classifier probability plus retrieval closeness, per page id; and whether the
    assistant would understand the query at all (an intent, or a page close enough to quote)."""
    brain = nlu.load()
    vector = brain.embed_one(query)
    scores: dict[str, float] = {}
    probabilities = brain.classifier.probabilities(vector[None, :])[0]
    intent, _confidence = decide(probabilities, brain.classifier.labels, brain.classifier.threshold)
    understood = intent is not None
    for label, probability in zip(brain.classifier.labels, probabilities, strict=True):
        page = _intent_id(label)
        if page is not None:
            scores[page] = CLASSIFIER_WEIGHT * float(probability)
    key_scores = brain.index.key_vectors @ vector
    para_scores = brain.index.para_vectors @ vector
    best: dict[int, float] = {}
    for rows, values in ((brain.index.key_page, key_scores), (brain.index.para_page, para_scores)):
        for page_index, value in zip(rows.tolist(), values.tolist(), strict=True):
            best[page_index] = max(best.get(page_index, -1.0), value)
    for page_index, value in sorted(best.items(), key=lambda kv: -kv[1])[:RETRIEVAL_DEPTH]:
        page = _page_id(brain.index.pages[page_index].url)
        understood = understood or value >= QUOTABLE
        if page is not None and value > RETRIEVAL_FLOOR:
            scores[page] = scores.get(page, 0.0) + RETRIEVAL_WEIGHT * (value - RETRIEVAL_FLOOR)
    return scores, understood


def word_scores(
    query: str, documents: list[SearchDocument], *, respelled: bool = True
) -> dict[str, float]:
    """The word index's scores, scaled so the best is 1. With ``respelled=False``, nothing
    unless a word of the query is found as typed or very nearly ("potholl"): a loose guess at
    a spelling alone is not enough ("lessons" is not "less")."""
    index = ServiceIndex(documents)
    if not respelled and not any(
        word in index.postings
        or difflib.get_close_matches(word, index.vocabulary, n=1, cutoff=CLOSE_SPELLING)
        for word in words(query)
    ):
        return {}
    hits = index.search(query, limit=20)
    if not hits:
        return {}
    top = hits[0].score
    return {hit.slug: WORDS_WEIGHT * hit.score / top for hit in hits}


def rank(query: str, documents: list[SearchDocument]) -> list[tuple[str, float]]:
    """Page ids for ``query``, best first, with their scores."""
    known = {doc.slug for doc in documents}
    try:
        meaning, understood = meaning_scores(query)
    except OSError:  # the model's files are missing or unreadable: the words alone still work
        logger.exception("Search could not load the assistant's model; searching by words only")
        meaning, understood = {}, True
    # When the assistant does not understand, a misspelling guessed from the query's words is
    # too weak on its own ("xylophone lessons" is not "less" council tax).
    found = word_scores(query, documents, respelled=understood)
    if not understood and not found:
        return []  # neither the assistant nor the word index knows what this is
    scores = {k: v for k, v in meaning.items() if k in known}
    for slug, value in found.items():
        scores[slug] = scores.get(slug, 0.0) + value
    ordered = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    if not ordered or ordered[0][1] < MIN_SCORE:
        return []
    floor = max(MIN_SCORE, ordered[0][1] * RELATIVE_FLOOR)
    return [(slug, score) for slug, score in ordered if score >= floor]


def find(
    query: str,
    *,
    pages: tuple[SearchDocument, ...] = (),
    limit: int = 10,
    today: datetime.date | None = None,
) -> Found:
    """Services, help pages and other ``pages`` for a resident's words, best first, and the
    phone number to call first when the need is urgent."""
    cleaned = " ".join(query.split())[:200]
    if not any(char.isalnum() for char in cleaned):
        return Found(results=[], urgent=None)
    online = {service.slug: service for service in services_online().select_related("lgsl")}
    documents = [*search_documents(online.values()), *help_documents(), *pages]
    by_slug: dict[str, Service | SearchDocument] = {doc.slug: doc for doc in documents}
    by_slug.update(online)
    ranked = rank(cleaned, documents)
    return Found(
        results=[by_slug[slug] for slug, _score in ranked[:limit]],
        urgent=urgent_notice(cleaned, today=today),
    )
