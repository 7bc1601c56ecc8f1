"""Flags on a message the chat must treat with care: empty, too long, abusive, injection-style.

Patterns are plain regular expressions so they can be read and audited. The understanding never
follows instructions in a message: 'injection' only tells the chat to answer safely (it never
passes the message to a language model as instructions).
"""

from __future__ import annotations

import re

MAX_CHARS = 1000  # longer messages are cut at a word boundary before they are understood

_INJECTION = [
    r"\bignore\b.{0,40}\b(instructions?|rules|prompts?|guidelines|directions)\b",
    r"\b(disregard|forget|override|bypass)\b.{0,40}\b(instructions?|rules|prompts?|guidelines|programming|guardrails?)\b",
    r"\bsystem\s*prompt\b",
    r"\b(developer|dev|god|admin|jailbreak|dan)\s+mode\b",
    r"\bjail\s*break",
    r"\byou\s+are\s+now\b",
    r"\bpretend\s+(to\s+be|you\s+are)\b",
    r"\bact\s+as\s+(an?\s+)?(admin|administrator|developer|system|root|different)\b",
    r"\b(reveal|show|print|repeat|tell me)\b.{0,30}"
    r"\b(instructions|prompt|configuration|hidden rules)\b",
    r"\bnew\s+instructions\s*:",
    r"<\s*/?\s*(system|assistant|script)\b",
    r"\[\s*(system|inst)\s*\]",
    r"###\s*(system|instruction)",
    r"\b(show|give|list|dump)\b.{0,30}\b(all|every|other)\b.{0,20}\b(residents?|users?|cases|records|passwords?)\b",
]
_INJECTION_RE = re.compile("|".join(f"(?:{p})" for p in _INJECTION), re.I | re.S)

# Insults and slurs aimed at the assistant or staff. Swearing about a problem ('the bloody bins')
# is not abuse; a few words are abusive on their own.
_ABUSIVE = [
    r"\bf+u+c+k+\s*(you|u|off|ing\s+(idiot|useless|moron|bot))\b",
    r"\bfuck(ing)?\s+(useless|idiot|moron|stupid)\b",
    r"\b(you('re|\s+are)?|ur|u)\s+(an?\s+)?(stupid|useless|idiot|moron|pathetic|thick|retard(ed)?)\b",
    r"\b(stupid|useless|fucking|bloody|pathetic)\s+(bot|robot|machine|council|idiots?|morons?)\b",
    r"\b(piss|sod)\s+off\b",
    r"\bshut\s+(the\s+f\w*\s+)?up\b",
    r"\bc+u+n+t+s?\b",
    r"\b(bitch|bastard|wanker|twat|dickhead|prick|arsehole|asshole)s?\b",
    r"\b(i('ll|\s+will)|gonna|going\s+to)\s+(kill|hurt|stab|find)\s+(you|the\s+staff|your\s+staff)\b",
    r"\bretard(ed)?\b",
]
_ABUSIVE_RE = re.compile("|".join(f"(?:{p})" for p in _ABUSIVE), re.I)


def truncate(text: str, limit: int = MAX_CHARS) -> str:
    """Cut at the last space before ``limit`` (never mid-word when a space is near)."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return cut[:space] if space > limit * 0.8 else cut


def flags(raw: str) -> tuple[str, ...]:
    found = []
    stripped = (raw or "").strip()
    if not stripped or not any(c.isalnum() for c in stripped):
        found.append("empty")
    if len(stripped) > MAX_CHARS:
        found.append("too_long")
    if _INJECTION_RE.search(stripped):
        found.append("injection")
    if _ABUSIVE_RE.search(stripped):
        found.append("abusive")
    return tuple(found)
