"""The shapes the understanding hands to the chat (docs/adr/0021-assistant-understanding.md)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

LEVELS = ("none", "support", "safeguarding")
DRIVERS = ("health", "life_events", "resilience", "capability")
FLAGS = ("injection", "abusive", "empty", "too_long")


@dataclass(frozen=True)
class Entities:
    postcodes: tuple[str, ...] = ()  # normalised 'E8 1DY'
    references: tuple[str, ...] = ()  # case references as Borough writes them, 'ABCD-EFGH'
    uprns: tuple[str, ...] = ()
    dates: tuple[datetime.date, ...] = ()


@dataclass(frozen=True)
class Vulnerability:
    level: str = "none"  # 'none' | 'support' | 'safeguarding'
    drivers: tuple[str, ...] = ()  # FCA drivers: health, life_events, resilience, capability
    signs: tuple[str, ...] = ()  # the lexicon entries / example phrases that matched (audit)
    # The language whose danger words matched (ADR 0029), when only one language's did: a short
    # message language identification left in English ('Vreau sa ma sinucid') is Romanian.
    language: str = ""


@dataclass(frozen=True)
class Understanding:
    text: str
    language: str  # ISO 639-1
    intent: str | None  # None when out of scope
    confidence: float  # 0..1
    out_of_scope: bool
    entities: Entities
    vulnerability: Vulnerability
    flags: tuple[str, ...]  # 'injection', 'abusive', 'empty', 'too_long'


@dataclass(frozen=True)
class Passage:
    title: str
    url: str  # a portal path
    text: str  # the exact content sentence(s) used
    score: float
