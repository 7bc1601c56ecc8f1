"""The resident assistant's understanding: intents, entities, vulnerability, language, retrieval.

Offline and CPU-only: sentence embeddings from all-MiniLM-L6-v2 computed in numpy (no torch), a
logistic-regression intent classifier trained at load time on the team's utterances, an
auditable vulnerability lexicon, and lingua for language identification. No Django models: the
chat (the rest of ``borough.assistant``) does the dialogue, cases and storage.
See docs/adr/0021-assistant-understanding.md and docs/architecture.md.

    understand(text) -> Understanding
    retrieve(text, limit=3) -> list[Passage]
    translate(key, language) -> str | None
    urgent(key, language) -> UrgentText | None   (machine-made urgent replies, ADR 0029)
"""

from __future__ import annotations

import datetime

from . import entities as _entities
from . import flags as _flags
from . import language as _language
from . import multilingual as _multilingual
from .brain import brain
from .replies import UrgentText, translate, urgent
from .types import Entities, Passage, Understanding, Vulnerability

__all__ = [
    "Entities",
    "Passage",
    "Understanding",
    "UrgentText",
    "Vulnerability",
    "load",
    "retrieve",
    "translate",
    "understand",
    "urgent",
]


def load():
    """Load the model and train the classifier now (it happens on first use otherwise)."""
    return brain()


def understand(
    text: str,
    *,
    today: datetime.date | None = None,
    previous_language: str | None = None,
    site_language: str = _language.DEFAULT,
) -> Understanding:
    """What a resident's message means. Never raises on odd input: an empty, very long,
    abusive or injection-style message comes back flagged, with a safe reading.

    ``previous_language``: the conversation's language so far, and ``site_language``: the
    site's, used when the message alone does not settle its language (a reference, 'ok').
    A message in another language gets its intent from the multilingual encoder (ADR 0029)."""
    raw = text if isinstance(text, str) else ""
    found_flags = _flags.flags(raw)
    cleaned = _flags.truncate(" ".join(raw.split()))
    if "empty" in found_flags:
        return Understanding(
            text=cleaned,
            language=_language.DEFAULT,
            intent=None,
            confidence=0.0,
            out_of_scope=True,
            entities=Entities(),
            vulnerability=Vulnerability(),
            flags=found_flags,
        )
    brain = load()
    vector = brain.embed_one(cleaned)
    intent, confidence = brain.classifier.predict(vector[None, :])[0]
    language = _language.detect(cleaned, previous=previous_language, site=site_language)
    other = brain.embed_other(cleaned) if _multilingual.needed(cleaned, language) else None
    vulnerability = brain.triage.assess(cleaned, vector, language, other)
    if vulnerability.language and (
        language == _language.DEFAULT or language not in brain.triage.multilingual.languages
    ):
        # Danger words of one language settle a language left in English or taken for one
        # the lexicon does not have ('mera shohar mujhe maarta hai' is not Yoruba).
        language = vulnerability.language
    if other is not None and language != _language.DEFAULT:
        intent, confidence = brain.other_classifier.predict(other[None, :])[0]
    return Understanding(
        text=cleaned,
        language=language,
        intent=intent,
        confidence=round(confidence, 4),
        out_of_scope=intent is None,
        entities=_entities.extract(cleaned, today=today),
        vulnerability=vulnerability,
        flags=found_flags,
    )


def retrieve(text: str, *, limit: int = 3) -> list[Passage]:
    """Paragraphs of the council's own content that answer ``text``, best first; [] when
    nothing is close enough."""
    cleaned = _flags.truncate(" ".join((text if isinstance(text, str) else "").split()))
    if not any(c.isalnum() for c in cleaned) or limit < 1:
        return []
    brain = load()
    vector = brain.embed_one(cleaned)
    return brain.index.search(vector, limit=limit)
