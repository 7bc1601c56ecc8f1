"""One turn of the dialogue: the resident's message as understood, the conversation it is in, and
the replies it leads to. Every flow (``assistant.flows``) works on an ``Exchange``.
"""

from __future__ import annotations

import gettext as gnu_gettext
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from borough.assistant import nlu
from borough.assistant.nlu import Passage, Understanding
from borough.core import yamlfile

from .models import Conversation
from .state import DialogueState

MAX_MESSAGE_LENGTH = 1000
# Words that are commands in any mode (the resident's way out), not things to classify.
CANCEL_WORDS = {"cancel", "stop", "start again", "anuluj", "stop."}
SKIP_WORDS = {"skip", "no answer", "none", "pomiń", "-"}
YES_WORDS = {"yes", "y", "yes please", "yeah", "yep", "ok", "okay", "correct", "tak", "confirm"}
NO_WORDS = {"no", "n", "no thanks", "nope", "nie", "no thank you"}
# The same answers typed in the chat-only languages (data/answer_words.yaml): any language's
# word counts in any conversation (none of them means something else in another).
ANSWER_WORDS_FILE = Path(__file__).resolve().parent / "data" / "answer_words.yaml"


_BY_LANGUAGE: dict[str, dict[str, set[str]]] = {
    language: {kind: {word.casefold() for word in listed} for kind, listed in words.items()}
    for language, words in (
        yamlfile.load(ANSWER_WORDS_FILE.read_text(encoding="utf-8")) or {}
    ).items()
}
_WORDS: dict[str, set[str]] = {
    kind: {word for words in _BY_LANGUAGE.values() for word in words.get(kind, ())}
    for kind in ("yes", "no", "skip", "cancel")
}


def answer_word(language: str, text: str) -> str:
    """ "yes", "no", "skip" or "cancel" when ``text`` is that answer in ``language``'s words
    (data/answer_words.yaml), else ""."""
    typed = text.strip().rstrip(".!").casefold()
    words = _BY_LANGUAGE.get((language or "").split("-")[0], {})
    return next((kind for kind, listed in words.items() if typed in listed), "")


CANCEL_WORDS |= _WORDS["cancel"]
SKIP_WORDS |= _WORDS["skip"]
YES_WORDS |= _WORDS["yes"]
NO_WORDS |= _WORDS["no"]


class InLanguage(str):
    """Words that know their language: a fixed reply in the resident's language said while
    the chat's active language is English (``fixed``), so the page can mark it (WCAG 3.1.2)."""

    language: str

    @classmethod
    def of(cls, text: str, language: str) -> InLanguage:
        worded = cls(text)
        worded.language = language
        return worded


def _language_of(text: str) -> str:
    """The language a reply is in: its own where it knows it, else the active one."""
    return getattr(text, "language", "") or translation.get_language() or settings.LANGUAGE_CODE


@dataclass
class Reply:
    text: str
    links: list[dict] = field(default_factory=list)
    choices: list[str] = field(default_factory=list)
    # The language the text is in (BCP 47), for the page's lang attribute: the words' own
    # (``InLanguage``) or the active language when the reply is made.
    language: str = ""

    def __post_init__(self) -> None:
        self.language = self.language or _language_of(self.text)

    # A reply quoting the council's content: the resident's question and the passages quoted,
    # from which a configured language model may word a clearer answer (``dialogue.polish``).
    question: str = ""
    passages: list[Passage] = field(default_factory=list)


@dataclass
class Turn:
    """What one resident message led to."""

    replies: list[Reply] = field(default_factory=list)
    understood: dict = field(default_factory=dict)
    handover: str = ""  # why the chat goes to a person ("asked", "safeguarding", ...)
    cases: list = field(default_factory=list)
    # A language Borough has no translation for: a configured model translates the replies.
    translate_to: str = ""

    def say(self, text: str, *, links=(), choices=()) -> Reply:
        reply = Reply(text=text, links=list(links), choices=list(choices))
        self.replies.append(reply)
        return reply

    def say_first(self, text: str, *, choices=()) -> None:
        """A reply before everything else said this turn."""
        self.replies.insert(0, Reply(text=text, choices=list(choices)))


@dataclass(frozen=True)
class Understood:
    """What a resident's message means, worked out before the conversation is locked: the
    understanding (translated first when Borough does not speak the language and a model is
    configured), the language it is in, and the council's content that may answer it (looked
    up only when the message may be a question; None when it was not looked up)."""

    understanding: Understanding
    language: str
    passages: list[Passage] | None = None


@dataclass
class Exchange:
    """One resident message being answered: the conversation (locked for the turn), the
    dialogue's typed state, what the message was understood to mean, and the turn's replies."""

    conversation: Conversation
    state: DialogueState
    understood: Understood
    text: str
    turn: Turn = field(default_factory=Turn)
    upload: Any = None

    @property
    def u(self) -> Understanding:
        return self.understood.understanding

    @property
    def lowered(self) -> str:
        return self.text.strip().casefold()

    def say(self, text: str, *, links=(), choices=()) -> Reply:
        return self.turn.say(text, links=links, choices=choices)


def supported_language(code: str) -> str | None:
    """The portal language (Django code) for an ISO 639-1 code, if Borough has one."""
    for django_code, _name in settings.LANGUAGES:
        if django_code.split("-")[0] == (code or "").split("-")[0]:
            return django_code
    return None


def chat_language(code: str) -> str | None:
    """The language the chat replies in for an ISO 639-1 code: a portal language (reviewed,
    ``LANGUAGES``), else one of ``BOROUGH_ASSISTANT_LANGUAGES`` that has a compiled catalogue
    (machine-made, chat only); None when the chat has no translation (English, and an
    interpreter is offered)."""
    portal = supported_language(code)
    if portal is not None:
        return portal
    base = (code or "").split("-")[0].lower()
    if base in settings.BOROUGH_ASSISTANT_LANGUAGES and _catalogue_info(base) is not None:
        return base
    return None


@lru_cache(maxsize=32)
def _catalogue_info(code: str) -> dict[str, str] | None:
    """The header of a language's compiled catalogue (None when there is none)."""
    for folder in settings.LOCALE_PATHS:
        path = Path(folder) / code / "LC_MESSAGES" / "django.mo"
        if path.exists():
            with path.open("rb") as handle:
                return dict(gnu_gettext.GNUTranslations(handle).info())
    return None


def machine_made(code: str) -> str:
    """Who made a language's catalogue by machine, and when ("" when it is reviewed or there
    is none): its header ``X-Machine-Translation``, removed once reviewed."""
    # A portal language is labelled too while its catalogue is machine-made (Welsh, until
    # reviewed); Polish is reviewed and has no such header.
    info = _catalogue_info((code or "").split("-")[0].lower()) or {}
    return info.get("x-machine-translation", "")


def fixed(key: str, english: str, language: str) -> str:
    """One of the assistant's fixed replies in the resident's language where Borough has it:
    the understanding's own translations first, then the portal's catalogue (gettext), else
    the English given (already translated by gettext when the active language has it)."""
    if language and not language.startswith("en"):
        translated = nlu.translate(key, language)
        if translated:
            return InLanguage.of(translated, language)
    return english


def numbered(items: list[str]) -> str:
    return "\n".join(f"{n}. {item}" for n, item in enumerate(items, start=1))


def starter_choices() -> list[str]:
    return [
        _("Report a problem"),
        _("Check my bin days"),
        _("Check a request"),
        _("Talk to a person"),
    ]
