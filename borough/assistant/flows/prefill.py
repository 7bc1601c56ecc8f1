"""Answers the resident already gave: the message that started a request ("my kitchen tap is
leaking") may answer some of the form's questions ("Where is the repair?", "What needs
repairing?"). Those are filled from it, through the form journey's own checks, and not asked;
the resident is told what was noted and can change it before the request is sent."""

from __future__ import annotations

import re

from borough.catalogue.answers import AnswerError
from borough.catalogue.definitions import Question
from borough.catalogue.journey import FormJourney

# Only questions asking what or where: a yes/no question ("Is this an emergency?") is never
# answered from words that merely contain "no". In English and in Polish (the questions are
# asked in the resident's language: "Co trzeba naprawić?", "Gdzie trzeba wykonać naprawę?").
_WHAT_OR_WHERE = re.compile(
    r"^\s*(what|where|which|co|gdzie|jaki|jaka|jakie|który|która|które)\b", re.IGNORECASE
)
_STOPWORDS = {"the", "a", "an", "or", "and", "of", "such", "as", "my", "your", "other"}
# A message with fewer words than this besides asking for the service ("I want to report a
# pothole") names what is wanted; it does not describe the problem.
MIN_WORDS_TO_DESCRIBE = 2
_ASKING = frozenset(
    re.findall(
        r"[a-z]+",
        "i im want would like need to a an the please can you report request apply for ask about "
        "there is s it help with me make get book tell us",
    )
)


def _words(text: str) -> list[str]:
    return re.findall(r"[0-9a-z]+", text.casefold())


def _contains(words: list[str], phrase: list[str]) -> bool:
    n = len(phrase)
    return n > 0 and any(words[i : i + n] == phrase for i in range(len(words) - n + 1))


def _option_said(question: Question, said: str) -> str | None:
    """The one option the words name (by its value, or the first word of its label)."""
    words = _words(said)
    found = []
    for option in question.options:
        label = [w for w in _words(option.label) if w not in _STOPWORDS]
        names = [_words(str(option.value).replace("_", " "))]
        if label:
            names.append(label[:1])
        if any(_contains(words, name) for name in names):
            found.append(option.value)
    return found[0] if len(found) == 1 else None


def _describes(said: str, service_name: str) -> bool:
    named = set(_words(service_name)) | _ASKING
    return len([word for word in _words(said) if word not in named]) >= MIN_WORDS_TO_DESCRIBE


def _raw_from(question: Question, said: str, described: bool, service_name: str) -> object | None:
    if not _WHAT_OR_WHERE.match(question.label):
        return None
    if question.type == "selection" and not question.multiple:
        return _option_said(question, said)
    if question.type == "text" and question.multiline and not described:
        return said.strip() if _describes(said, service_name) else None
    return None


def prefill(
    journey: FormJourney, question: Question, said: str, *, described: bool, service_name: str
) -> str:
    """Record the answer ``said`` gives to ``question`` when it clearly gives one; returns
    the answer as shown to the resident ("" when nothing was recorded)."""
    raw = _raw_from(question, said, described, service_name)
    if raw is None:
        return ""
    try:
        value = journey.record(question, raw)
    except AnswerError:
        return ""
    if question.type == "selection":
        return next((o.label for o in question.options if o.value == value), str(value))
    return str(value)
