"""The chat's replies made fit for the ear, and what a caller says or keys made fit for the chat.

The dialogue (``assistant.dialogue``) is the same for every channel; this adapter only changes how
its words travel:

- numbered choices are read out with their keys ("press 1 for ..."), and 0 is always a person;
- references (Crockford base 32, ``cases.references``) are spelt out character by character with
  a word for each letter, in two groups, so they can be written down;
- dates are said in words ("Monday the 7th of December 2026");
- postcodes are read back character by character and house numbers as "number 12", so the caller
  can confirm the address;
- what only makes sense on a screen (links, "stay on this page") is said as a caller needs it.

In the other direction, a postcode said as letters and digits ("u b 8, one q a") becomes "UB8 1QA"
when the assistant has just asked for one, and digits keyed on the phone become the choice or the
number they stand for.
"""

from __future__ import annotations

import contextlib
import datetime
import re
from collections.abc import Iterable

from borough.cases.references import ALPHABET

# Words for the characters of a reference: the NATO alphabet for letters (Crockford's alphabet
# has no I, L, O or U), digits as words.
LETTER_WORDS = {
    "A": "alpha",
    "B": "bravo",
    "C": "charlie",
    "D": "delta",
    "E": "echo",
    "F": "foxtrot",
    "G": "golf",
    "H": "hotel",
    "J": "juliet",
    "K": "kilo",
    "M": "mike",
    "N": "november",
    "P": "papa",
    "Q": "quebec",
    "R": "romeo",
    "S": "sierra",
    "T": "tango",
    "V": "victor",
    "W": "whisky",
    "X": "x-ray",
    "Y": "yankee",
    "Z": "zulu",
}
DIGIT_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_SPOKEN_DIGITS = {word: str(i) for i, word in enumerate(DIGIT_WORDS)} | {"oh": "0", "o": "0"}
_SPOKEN_DIGITS |= {"won": "1", "to": "2", "too": "2", "for": "4", "ate": "8"}
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_ORDINALS = [
    "",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
    "twenty-first",
    "twenty-second",
    "twenty-third",
    "twenty-fourth",
    "twenty-fifth",
    "twenty-sixth",
    "twenty-seventh",
    "twenty-eighth",
    "twenty-ninth",
    "thirtieth",
    "thirty-first",
]
PERSON_KEY = "0"

_CROCKFORD = f"[{ALPHABET}]"
REFERENCE = re.compile(rf"\b({_CROCKFORD}{{4}})-({_CROCKFORD}{{4}})\b")
POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})\b")
_MONTH_NAMES = "|".join(MONTHS)
DATE_IN_TEXT = re.compile(rf"\b(\d{{1,2}}) ({_MONTH_NAMES})(?: (\d{{4}}))?\b")
DATE_EXAMPLE = re.compile(r"For example, \d{1,2} \d{1,2} \d{4}")
ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
# Phone numbers are said digit by digit ("nine nine nine", not "nine hundred and ninety-nine").
PHONE_NUMBER = re.compile(r"(?<![\d-])(999|111|101|0\d{3,4} ?\d{3} ?\d{3,4}|0\d{9,10})(?![\d-])")
URL = re.compile(r"https?://\S+|/\S*/\S*")
# A numbered line of a list in a reply ("1. 12 High Street, UB8 1QA").
NUMBERED_LINE = re.compile(r"^\s*(\d{1,2})[.)]\s+(.*)$", re.MULTILINE)
_HOUSE_NUMBER = re.compile(r"^(\d{1,4}[A-Z]?)\b")

# Chat wording that means something else on the phone.
SCREEN_WORDS = [
    (
        "Please stay on this page: their reply will appear here.",
        "Please stay on the line.",
    ),
    ("Please stay on this page", "Please stay on the line"),
    ("You can ask for a person at any time.", "You can ask for a person, or press 0, at any time."),
    ("Type the number of the place from this list:", "Say or key the number of the address:"),
    ("You can also paste the tracking link from that email.", "You can also key it in."),
    ("Choose one", "Say one"),
    ("type", "say"),
    ("Type", "Say"),
]


def spell_reference(reference: str) -> str:
    """ "K7P2-QXM4" as the phone reads it: "K for kilo, 7, P for papa, 2; then Q for quebec..."."""

    def character(c: str) -> str:
        return f"{c} for {LETTER_WORDS[c]}" if c in LETTER_WORDS else DIGIT_WORDS[int(c)]

    first, second = reference.split("-")
    return (
        ", ".join(character(c) for c in first) + "; then " + ", ".join(character(c) for c in second)
    )


def spell_postcode(postcode: str) -> str:
    """ "UB8 1QA" read back character by character: "U, B, 8; 1, Q, A"."""
    outward, inward = postcode.split() if " " in postcode else (postcode[:-3], postcode[-3:])
    return ", ".join(outward) + "; " + ", ".join(inward)


def date_in_words(day: int, month: int, year: int | None = None, *, weekday: bool = True) -> str:
    """ "Monday the seventh of December 2026"."""
    words = f"the {_ORDINALS[day]} of {MONTHS[month - 1]}"
    if year:
        words += f" {year}"
        if weekday:
            with contextlib.suppress(ValueError):
                words = datetime.date(year, month, day).strftime("%A ") + words
    return words


def _dates(text: str) -> str:
    text = ISO_DATE.sub(
        lambda m: date_in_words(int(m.group(3)), int(m.group(2)), int(m.group(1))), text
    )
    return DATE_IN_TEXT.sub(
        lambda m: date_in_words(
            int(m.group(1)), MONTHS.index(m.group(2)) + 1, int(m.group(3)) if m.group(3) else None
        ),
        text,
    )


def _address_line(line: str) -> str:
    """An address read for confirmation: "number 12", the street, the postcode spelt out."""
    line = _HOUSE_NUMBER.sub(lambda m: f"number {m.group(1)}", line.strip())
    return POSTCODE.sub(lambda m: spell_postcode(f"{m.group(1)} {m.group(2)}"), line)


def speak_text(text: str) -> str:
    """One reply's words, for the ear."""
    for screen, phone in SCREEN_WORDS:
        text = re.sub(rf"(?<!\w){re.escape(screen)}(?!\w)", phone, text)
    text = URL.sub("", text)
    text = NUMBERED_LINE.sub(lambda m: f"Press {m.group(1)} for {_address_line(m.group(2))}.", text)
    text = REFERENCE.sub(lambda m: f"{m.group(0)}. That is: {spell_reference(m.group(0))}", text)
    text = POSTCODE.sub(lambda m: spell_postcode(f"{m.group(1)} {m.group(2)}"), text)
    text = _dates(text)
    text = PHONE_NUMBER.sub(
        lambda m: ", ".join(
            " ".join(DIGIT_WORDS[int(d)] for d in group) for group in m.group(1).split()
        ),
        text,
    )
    text = text.replace("“", "").replace("”", "").replace("•", "")
    text = re.sub(r"\n+", ". ", text)
    text = re.sub(r"([.:;?!])\s*\.", r"\1", text)
    return re.sub(r"[ \t]+", " ", text).strip()


def choices_text(choices: Iterable[str]) -> str:
    """The reply's choices with their keys: "Press 1 for Report a problem. Press 2 for ..."."""
    listed = [c for c in choices if c]
    if not listed:
        return ""
    said = " ".join(f"Press {i} for {choice}." for i, choice in enumerate(listed, start=1))
    return "You can say what you need, or: " + said


def speak_replies(replies: Iterable[tuple[str, list[str]]]) -> str:
    """The assistant's replies for one turn (text and choices each) as one thing to say."""
    parts = []
    for text, choices in replies:
        parts.append(speak_text(text))
        if DATE_EXAMPLE.search(text):
            parts.append("You can also key the day, month and year as 8 digits.")
        # A reply that lists its choices in its text (a selection question) is not read twice.
        if choices and not NUMBERED_LINE.search(text):
            parts.append(choices_text(choices))
    return " ".join(p for p in parts if p)


# ------------------------------------------------------------------ from the caller


def asks_for_postcode(last_said: str) -> bool:
    return "postcode" in last_said.casefold()


def spoken_postcode(text: str) -> str | None:
    """A postcode said letter by letter and digit by digit, as speech to text writes it
    ("U B 8, 1 Q A", "UB8 one QA", "u.b. eight one q.a."), or None."""
    tokens = re.findall(r"[A-Za-z]+|\d", text.replace(".", " "))
    compact = ""
    for token in tokens:
        lowered = token.casefold()
        if lowered in _SPOKEN_DIGITS and len(token) > 1:
            compact += _SPOKEN_DIGITS[lowered]
        elif lowered in {"my", "postcode", "is", "it", "its", "the", "post", "code", "it's"}:
            continue
        else:
            compact += token.upper()
    match = re.fullmatch(r"([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})", compact)
    if match is None:
        match = re.fullmatch(
            r"([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})", _digits_where_due(compact)
        )
    return f"{match.group(1)} {match.group(2)}" if match else None


# Letters speech to text writes for a digit it misheard ("U B eight" heard as "UBA").
_SOUNDS_LIKE_DIGIT = {"A": "8", "O": "0", "I": "1", "L": "1", "S": "5", "Z": "2", "G": "6"}


def _digits_where_due(compact: str) -> str:
    """A postcode with a letter where a digit must be (the inward code's first character, the
    outward code's first after its letters) read as the digit it sounds like."""
    if len(compact) < 5:
        return compact
    chars = list(compact)
    inward = len(chars) - 3
    chars[inward] = _SOUNDS_LIKE_DIGIT.get(chars[inward], chars[inward])
    # The outward code's digit follows one letter ("N1") or two ("UB8", "SW1A").
    due = 2 if inward >= 3 and chars[1].isalpha() else 1
    chars[due] = _SOUNDS_LIKE_DIGIT.get(chars[due], chars[due])
    return "".join(chars)


def keyed_text(keys: str, last_said: str) -> str:
    """Keys pressed as the chat would have them typed: a date asked for and keyed as eight
    digits (day, month, year) becomes "07/12/2026"."""
    if (
        len(keys) == 8
        and keys.isdigit()
        and "date" in last_said.casefold()
        or (len(keys) == 8 and keys.isdigit() and "when" in last_said.casefold())
    ):
        day, month, year = int(keys[:2]), int(keys[2:4]), int(keys[4:])
        try:
            datetime.date(year, month, day)
        except ValueError:
            return keys
        return f"{day:02d}/{month:02d}/{year}"
    return keys


def caller_text(heard: str, last_said: str) -> str:
    """What the caller said, as the chat would have it typed."""
    heard = heard.strip()
    if asks_for_postcode(last_said):
        postcode = spoken_postcode(heard)
        if postcode:
            return postcode
    # Speech to text writes a lone number as a word ("Two."): the choice's digit.
    word = heard.strip(" .!?,").casefold()
    if word in _SPOKEN_DIGITS and len(word) > 1:
        return _SPOKEN_DIGITS[word]
    return heard
