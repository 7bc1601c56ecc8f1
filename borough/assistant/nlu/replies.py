"""The assistant's own fixed replies in the languages Borough has (data/replies.yaml), and the
urgent (safeguarding) reply in more languages, machine-made and shown beside the English
(data/urgent_replies.yaml, ADR 0029)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from borough.core import yamlfile

from .content import DATA


@functools.cache
def _replies() -> dict[str, dict[str, str]]:
    with open(DATA / "replies.yaml", encoding="utf-8") as handle:
        return yamlfile.load(handle) or {}


def keys() -> tuple[str, ...]:
    return tuple(_replies())


def languages(key: str) -> tuple[str, ...]:
    return tuple(_replies().get(key, {}))


def translate(key: str, language: str) -> str | None:
    """The reply ``key`` in ``language`` ('pl', or 'pl-PL'), or None when Borough has no
    checked text for it (the chat then uses English and offers an interpreter)."""
    texts = _replies().get(key) or {}
    code = (language or "").lower().replace("_", "-").split("-")[0]
    return texts.get(code)


@dataclass(frozen=True)
class UrgentText:
    text: str  # may contain %(phone)s
    label: str  # says, in the language and in English, that it is a machine translation
    machine: bool


@functools.cache
def _urgent() -> dict[str, dict[str, dict]]:
    with open(DATA / "urgent_replies.yaml", encoding="utf-8") as handle:
        return yamlfile.load(handle) or {}


def urgent(key: str, language: str) -> UrgentText | None:
    """The urgent reply ``key`` in ``language`` from data/urgent_replies.yaml, or None."""
    code = (language or "").lower().replace("_", "-").split("-")[0]
    entry = (_urgent().get(key) or {}).get(code)
    if not entry:
        return None
    return UrgentText(
        text=entry["text"], label=entry.get("label", ""), machine=bool(entry.get("machine", True))
    )
