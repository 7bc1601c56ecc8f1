"""Staff and residents across languages in live chat (issue 22, point 3).

A resident who writes in another language reaches an agent who reads English: each message
of theirs is shown to the agent in English beside the original, and the agent's reply reaches
them in their language with the agent's own words under it. Both are machine translations
from the council's configured translation model (``BOROUGH_ASSISTANT_LLM_URL``, ``llm.py``),
kept only when every number, reference and link of the original survives (``llm.grounded``).

Borough has no offline model that translates free text (the registries hold none we can ship:
ADR 0029's addendum). Without the council's model:

- the agent may send one of the READY_REPLIES: short sentences an agent needs most in a chat
  about a request, translated in the chat's catalogues (borough/locale/<language>, reviewed in
  Polish, machine-made in the ten others: ADR 0032). The resident reads that translation,
  marked as machine translation, with the agent's English under it;
- each message of the resident's is shown to the agent with the closest English phrase the
  assistant knows (``nlu.nearest_english``), labelled as not a translation, beside what the
  assistant understood of it (the request, in English);
- anything the agent types themselves goes in English, and the agent is told to offer an
  interpreter.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext_noop

from borough.assistant import llm, nlu
from borough.assistant.turns import chat_language

ENGLISH = "en"


def needs_translation(language: str) -> bool:
    """Is the conversation in a language other than English?"""
    return bool(language) and not language.lower().startswith(ENGLISH)


def available(resident_id: int | None = None) -> bool:
    """Can Borough translate free text here (the council's model is configured, and the
    resident has not objected to it)?"""
    return llm.may_use_for(resident_id)


def to_english(text: str, language: str, resident_id: int | None = None) -> str:
    """A resident's message in English for the agent, or "" (English already, no model, the
    resident objects to the model, or a translation that dropped or changed a fact)."""
    if not needs_translation(language) or not available(resident_id):
        return ""
    translated = llm.translate_to_english(text)
    return translated if translated and translated.strip() != text.strip() else ""


def nearest_english(text: str, language: str, intent: str | None) -> str:
    """The closest English phrase the assistant knows, of those for the ``intent`` it
    understood, to a resident's message in another language ("" for English or without an
    intent): a gist, not a translation."""
    if not needs_translation(language):
        return ""
    return nlu.nearest_english(text, language=language, intent=intent) or ""


def to_resident(text: str, language: str, resident_id: int | None = None) -> str:
    """An agent's reply in the resident's language, or "" (see ``to_english``)."""
    if not needs_translation(language) or not available(resident_id):
        return ""
    translated = llm.translate_reply(text, language)
    return translated if translated and translated.strip() != text.strip() else ""


# What an agent most often says in a chat about a request, in words every chat language's
# catalogue translates (tests/assistant/test_chat_languages.py checks each has them all).
READY_REPLIES = (
    gettext_noop("Thank you for waiting. We are looking at your request now."),
    gettext_noop("The crew will come back to collect your bin within 2 working days."),
    gettext_noop("Please leave your bin out until it has been collected."),
    gettext_noop("Can you tell me your postcode, please?"),
    gettext_noop("We can call you with an interpreter. What is the best phone number?"),
    gettext_noop("We are sorry about this."),
    gettext_noop("Can we help you with anything else?"),
)


@dataclass(frozen=True)
class ReadyReply:
    number: int  # 1-based position in READY_REPLIES: what the form sends
    english: str
    translated: str  # in the resident's language


def ready_replies(language: str) -> list[ReadyReply]:
    """The ready-made replies Borough can send in ``language`` (its catalogue translates
    them); none for English or a language without a catalogue."""
    if not needs_translation(language):
        return []
    code = chat_language(language)
    if code is None or code.startswith(ENGLISH):
        return []
    replies = []
    with translation.override(code):
        for number, english in enumerate(READY_REPLIES, start=1):
            translated = translation.gettext(english)
            if translated != english:
                replies.append(ReadyReply(number, english, translated))
    return replies


def ready_reply(number: str | int | None, language: str) -> ReadyReply | None:
    """The ready-made reply numbered ``number`` in ``language``, or None (no such reply, or
    none in that language)."""
    if number is None:
        return None
    try:
        wanted = int(number)
    except ValueError:
        return None
    return next((r for r in ready_replies(language) if r.number == wanted), None)
