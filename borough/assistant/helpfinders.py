"""Answers to "where can I get help with ..." from other parts of Borough.

The assistant sits above the community directory in the house plan, so it cannot import it;
the directory's answer is registered here instead (``register``, called by the portal's app
config, which may import both). A finder takes the topic a resident named ("debt", "a food
bank") and returns the services that help with it, each with a page to link to.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class HelpOffer:
    title: str
    #: Who runs it, shown after the title ("Hillside Food Bank").
    provider: str
    url: str


HelpFinder = Callable[[str], list[HelpOffer]]
_FINDERS: list[HelpFinder] = []

# "Where can I get help with debt?", "who gives advice about housing", "where can I find a
# food bank". English only: other languages reach the directory through its search page.
HELP_QUESTION = re.compile(
    r"^\s*(?:where|who)\b.*?\b(?:help|support|advice)\s+(?:with|for|about|on)\s+(?P<topic>.+)"
    r"|^\s*where\b.*?\b(?:find|get)\s+(?:a|an|some)\s+(?P<thing>.+)",
    re.IGNORECASE,
)


def register(finder: HelpFinder) -> None:
    if finder not in _FINDERS:
        _FINDERS.append(finder)


def help_topic(text: str) -> str | None:
    """The topic of a "where can I get help with ..." question, or None for other messages."""
    match = HELP_QUESTION.match(text)
    if match is None:
        return None
    topic = (match.group("topic") or match.group("thing") or "").strip(" ?.!")
    return topic or None


def find_help(text: str, *, limit: int = 3) -> list[HelpOffer]:
    """Services that help with the topic ``text`` asks about; [] if it asks no such thing."""
    topic = help_topic(text)
    if topic is None:
        return []
    offers: list[HelpOffer] = []
    for finder in _FINDERS:
        offers.extend(finder(topic))
    return offers[:limit]
