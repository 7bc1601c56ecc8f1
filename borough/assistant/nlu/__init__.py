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
    nearest_english(text) -> str | None   (the closest English phrase to a message, not a
                                           translation: for staff without a translation model)
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
    "nearest_english",
    "retrieve",
    "translate",
    "understand",
    "urgent",
]


def load():
    """Load the model and train the classifier now (it happens on first use otherwise)."""
    return brain()


# Words a message taken for English needs before the multilingual reading may answer it.
FALLBACK_WORDS = 3


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
    elif other is not None and intent is None and len(cleaned.split()) >= FALLBACK_WORDS:
        # Taken for English but mostly not English words ('cum platesc council tax-ul?' is
        # Romanian without its diacritics) and the English model found nothing: the
        # multilingual reading, when it finds something (not for one or two words: 'zzzzz').
        found, found_confidence = brain.other_classifier.predict(other[None, :])[0]
        if found is not None:
            intent, confidence = found, found_confidence
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


def nearest_english(text: str, *, language: str, intent: str | None) -> str | None:
    """The English phrase, of those the assistant learnt ``intent`` from, closest in meaning to
    a message in another ``language`` ('ਮੇਰਾ ਕੂੜਾ ਤਿੰਨ ਹਫ਼ਤਿਆਂ ਤੋਂ ਨਹੀਂ ਚੁੱਕਿਆ ਗਿਆ', understood as a
    missed bin -> 'my bin was not collected this week'): the gist of it for an agent who reads
    English when Borough has no model that translates free text. Not a translation: it says
    what the request is most like, never a detail (a date, a name) only the message has. Both
    sides have their language's mean taken away (crosslingual.Centring), which leaves mostly
    meaning. None without an intent, for empty text and for English."""
    cleaned = _flags.truncate(" ".join((text if isinstance(text, str) else "").split()))
    if not intent or not any(c.isalpha() for c in cleaned) or language == _language.DEFAULT:
        return None
    brain = load()
    rows = [i for i, (_, label) in enumerate(brain.english_phrases) if label == intent]
    if not rows:
        return None
    centring = brain.triage.crosslingual.centring
    vector = centring.one(brain.embed_other(cleaned), _multilingual._base(language))
    english = centring.apply(brain.english_e5_raw[rows], [_language.DEFAULT] * len(rows))
    return brain.english_phrases[rows[int((english @ vector).argmax())]][0]
