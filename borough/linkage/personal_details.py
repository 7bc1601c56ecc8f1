"""Contact details and identifiers as the engine compares them: phone numbers in E.164, emails,
National Insurance numbers, and sex (from a sex column or a title)."""

from __future__ import annotations

import re

from .text import clean_text


def normalise_phone(value: str | None) -> str | None:
    """A UK phone number in E.164 (``07700 900123`` -> ``+447700900123``), else ``None``.

    Accepts national (0...), international (+44, 0044) and the common ``+44 (0)...`` form.
    Numbers abroad (+ another country code) are kept in E.164 as they are.
    """
    if not value:
        return None
    text = str(value).strip()
    text = text.replace("(0)", "")
    digits = re.sub(r"\D", "", text)
    if text.startswith("+") or digits.startswith("00"):
        digits = digits[2:] if digits.startswith("00") else digits
        if digits.startswith("44"):
            national = digits[2:]
        else:
            return f"+{digits}" if 8 <= len(digits) <= 15 else None
    elif digits.startswith("44") and len(digits) in (11, 12):
        national = digits[2:]
    elif digits.startswith("0"):
        national = digits[1:]
    elif len(digits) == 10 and digits[0] in "123578":
        national = digits  # the leading zero lost, as spreadsheets do
    else:
        return None
    national = national.removeprefix("0")
    if len(national) not in (9, 10) or national[0] not in "123578":
        return None
    return f"+44{national}"


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_email(value: str | None) -> str | None:
    """Lower-cased and trimmed (``mailto:`` and brackets removed); ``None`` if not an email."""
    if not value:
        return None
    text = str(value).strip().strip("<>").lower().removeprefix("mailto:")
    return text if _EMAIL.match(text) else None


_NI_NUMBER = re.compile(r"^(?![DFIQUV])[A-Z](?![DFIOQUV])[A-Z][0-9]{6}[A-D]$")
_NI_NOT_ISSUED = frozenset({"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"})


def normalise_ni_number(value: str | None) -> str | None:
    """``'ab 12 34 56 c'`` -> ``'AB123456C'``; ``None`` unless shaped like an issued NI number.

    HMRC's rules: no D, F, I, Q, U or V as the first letter, nor O as the second; the prefixes
    BG, GB, NK, KN, TN, NT and ZZ are never issued; the suffix is A to D.
    """
    text = re.sub(r"[^A-Za-z0-9]", "", value or "").upper()
    if not _NI_NUMBER.match(text) or text[:2] in _NI_NOT_ISSUED:
        return None
    return text


_TITLE_SEX = {
    "mr": "m",
    "master": "m",
    "sir": "m",
    "lord": "m",
    "mrs": "f",
    "ms": "f",
    "miss": "f",
    "lady": "f",
    "dame": "f",
}


def sex_from_title(full_name: str | None) -> str | None:
    """``'SMITH, Mrs Margaret'`` -> ``'f'``: the sex a title says, where a source has no sex
    column. ``None`` for no title or one that says nothing (Dr, Mx, Rev)."""
    if not full_name:
        return None
    surname, comma, given = full_name.partition(",")
    words = (clean_text(given if comma else surname) or "").split()
    return _TITLE_SEX.get(words[0]) if words else None


def normalise_sex(value: str | None) -> str | None:
    """``'F'``, ``'female'``, ``'Woman'`` -> ``'f'``; ``'m'`` likewise; anything else ``None``."""
    text = clean_text(value)
    if not text:
        return None
    if text in ("f", "female", "woman", "w", "girl"):
        return "f"
    if text in ("m", "male", "man", "boy"):
        return "m"
    return None
