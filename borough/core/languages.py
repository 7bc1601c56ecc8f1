"""The language a message to a resident is written in (issue 19): their preferred language where
Borough has its words, else English, with the label a machine-made catalogue must carry.

The portal's languages (``LANGUAGES``: English, reviewed Polish) are used as they are. The chat's
machine-made languages (``BOROUGH_ASSISTANT_LANGUAGES``, ADR 0032) are used when their catalogue
is compiled, and the message then starts with the machine translation label, in the language and
in English, until the catalogue's ``X-Machine-Translation`` header is removed after review.
"""

from __future__ import annotations

import gettext as gnu_gettext
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_noop

# The assistant's label (ADR 0032), translated in every machine-made catalogue.
MACHINE_LABEL = gettext_noop("Machine translation: ask for a person if anything is unclear.")


@dataclass(frozen=True)
class MessageLanguage:
    code: str  # what ``translation.override`` takes
    machine_made: bool

    def label(self) -> str:
        """The machine translation label in the language and in English ("" if reviewed)."""
        if not self.machine_made:
            return ""
        with translation.override(self.code):
            words = translation.gettext(MACHINE_LABEL)
        return f"{words} ({MACHINE_LABEL})"


@lru_cache(maxsize=32)
def _catalogue_header(code: str) -> dict[str, str] | None:
    for folder in settings.LOCALE_PATHS:
        path = Path(folder) / code / "LC_MESSAGES" / "django.mo"
        if path.exists():
            with path.open("rb") as handle:
                return dict(gnu_gettext.GNUTranslations(handle).info())
    return None


def message_language(code: str | None) -> MessageLanguage:
    """The language to write to someone who prefers ``code`` in (English when Borough has no
    catalogue for it)."""
    base = (code or "").split("-")[0].lower()
    portal = {language.split("-")[0] for language, _name in settings.LANGUAGES}
    if not base or base == "en":
        return MessageLanguage("en", False)
    if base in portal:  # reviewed Polish; Welsh carries the label until a Welsh speaker reviews it
        reviewed = _catalogue_header(base) or {}
        return MessageLanguage(base, bool(reviewed.get("x-machine-translation")))
    header = _catalogue_header(base) if base in settings.BOROUGH_ASSISTANT_LANGUAGES else None
    if header is None:
        return MessageLanguage("en", False)
    return MessageLanguage(base, bool(header.get("x-machine-translation")))


# Each language Borough may write to residents in, in its own words.
ENDONYMS = {
    "en": "English",
    "pl": "Polski",
    "pa": "ਪੰਜਾਬੀ",
    "ur": "اردو",
    "ro": "Română",
    "gu": "ગુજરાતી",
    "ta": "தமிழ்",
    "so": "Soomaali",
    "ar": "العربية",
    "bn": "বাংলা",
    "pt": "Português",
    "hi": "हिन्दी",
}


def language_choices() -> list[tuple[str, str, bool]]:
    """(code, name in its own words, machine-made) of every language a resident may choose
    for their messages: English, the portal's, then the machine-made ones with a catalogue."""
    codes = ["en"]
    for code, _name in settings.LANGUAGES:
        base = code.split("-")[0]
        if base not in codes:
            codes.append(base)
    codes += [code for code in settings.BOROUGH_ASSISTANT_LANGUAGES if code not in codes]
    choices = []
    for code in codes:
        language = message_language(code)
        if language.code == code:
            choices.append((code, ENDONYMS.get(code, code), language.machine_made))
    return choices
