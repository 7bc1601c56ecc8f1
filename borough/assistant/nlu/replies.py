"""The assistant's own fixed replies in the languages Borough has (data/replies.yaml)."""

from __future__ import annotations

import functools

import yaml

from .content import DATA


@functools.cache
def _replies() -> dict[str, dict[str, str]]:
    with open(DATA / "replies.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


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
