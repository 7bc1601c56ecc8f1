"""Staff and residents across languages in live chat (issue 22, point 3).

A resident who writes in another language reaches an agent who reads English: each message
of theirs is shown to the agent in English beside the original, and the agent's reply reaches
them in their language with the agent's own words under it. Both are machine translations
from the council's configured translation model (``BOROUGH_ASSISTANT_LLM_URL``, ``llm.py``),
kept only when every number, reference and link of the original survives (``llm.grounded``).

Borough has no offline model that translates free text (the registries hold none we can ship:
ADR 0029's addendum); without the council's model the agent is told the resident's language
and to offer an interpreter, and the resident reads the agent's English.
"""

from __future__ import annotations

from borough.assistant import llm

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


def to_resident(text: str, language: str, resident_id: int | None = None) -> str:
    """An agent's reply in the resident's language, or "" (see ``to_english``)."""
    if not needs_translation(language) or not available(resident_id):
        return ""
    translated = llm.translate_reply(text, language)
    return translated if translated and translated.strip() != text.strip() else ""
