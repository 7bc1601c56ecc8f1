"""Retrieval over the council's own content: service descriptions and FAQ answers.

Each page (a service start page or a help page) is split into paragraphs, the content the
assistant may quote word for word. A page is found by its best paragraph or by its title,
summary and the ways residents ask about it; the passage returned is always a paragraph of
the page (never generated text). Below ``MIN_SCORE`` nothing is returned, so the chat says it
does not know and offers a person.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import content
from .types import Passage

MIN_SCORE = 0.5  # cosine similarity; see docs/adr/0021 for how it was chosen


@dataclass(frozen=True)
class Page:
    title: str
    url: str
    keys: tuple[str, ...]  # how the page is asked for: title, summary, questions
    paragraphs: tuple[str, ...]  # what may be quoted


def _paragraphs(text: str | None) -> list[str]:
    return [" ".join(p.split()) for p in (text or "").strip().split("\n\n") if p.strip()]


def pages() -> list[Page]:
    found = []
    for service in content.services():
        paragraphs = [service.get("summary", "").strip()]
        paragraphs += _paragraphs(service.get("description"))
        paragraphs += _paragraphs(service.get("what_happens_next"))
        fee = service.get("fee") or {}
        if fee.get("description"):
            paragraphs.append(fee["description"].strip())
        found.append(
            Page(
                title=service["name"],
                url=f"/services/{service['slug']}/",
                keys=(service["name"], service.get("summary", "")),
                paragraphs=tuple(p for p in paragraphs if p),
            )
        )
    for faq in content.faqs():
        found.append(
            Page(
                title=faq.title,
                url=faq.url,
                keys=(faq.title, *faq.questions),
                paragraphs=faq.answer,
            )
        )
    return found


class Index:
    def __init__(self, brain):
        self.pages = pages()
        key_texts, key_page, para_texts, para_page = [], [], [], []
        for i, page in enumerate(self.pages):
            for key in page.keys:
                if key:
                    key_texts.append(key)
                    key_page.append(i)
            for paragraph in page.paragraphs:
                para_texts.append(paragraph)
                para_page.append(i)
        self.key_vectors = brain.cache.embed(key_texts)
        self.key_page = np.array(key_page)
        self.para_vectors = brain.cache.embed(para_texts)
        self.para_page = np.array(para_page)
        self.para_texts = para_texts

    def search(self, vector: np.ndarray, *, limit: int = 3) -> list[Passage]:
        key_scores = self.key_vectors @ vector
        para_scores = self.para_vectors @ vector
        count = len(self.pages)
        page_key = np.full(count, -1.0)
        np.maximum.at(page_key, self.key_page, key_scores)
        page_para = np.full(count, -1.0)
        np.maximum.at(page_para, self.para_page, para_scores)
        # A page matches by how it is asked for or by what it says, whichever is closer.
        page_score = np.maximum(page_key, page_para)
        results = []
        for i in np.argsort(-page_score)[:limit]:
            score = float(page_score[i])
            if score < MIN_SCORE:
                break
            rows = np.flatnonzero(self.para_page == i)
            best = rows[int(np.argmax(para_scores[rows]))]
            page = self.pages[i]
            results.append(
                Passage(title=page.title, url=page.url, text=self.para_texts[best], score=score)
            )
        return results
