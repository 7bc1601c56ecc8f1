"""People's names: split a full name, drop titles and suffixes, and find the formal name a
nickname stands for (Bill -> William)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files
from pathlib import Path

from .text import clean_text

NICKNAMES_FILE = Path(__file__).parent / "data" / "nicknames.csv"

TITLES = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "dr",
        "doctor",
        "prof",
        "professor",
        "rev",
        "revd",
        "reverend",
        "sir",
        "dame",
        "lady",
        "lord",
        "fr",
        "father",
        "sister",
        "master",
    }
)
SUFFIXES = frozenset({"jr", "jnr", "junior", "sr", "snr", "senior", "ii", "iii", "iv"})
SURNAME_PARTICLES = frozenset({"van", "von", "de", "der", "den", "da", "di", "del", "la", "le"})


@dataclass(frozen=True, slots=True)
class ParsedName:
    first_name: str | None
    middle_names: str | None
    last_name: str | None


@lru_cache(maxsize=1 << 16)
def _clean_word(word: str) -> str | None:
    return clean_text(word)


def _name_words(text: str) -> list[str]:
    # Cleaned word by word, so a double-barrelled name stays one word ("smith jones").
    words = [word for word in map(_clean_word, text.split()) if word]
    while words and words[0] in TITLES:
        words.pop(0)
    while words and words[-1] in SUFFIXES:
        words.pop()
    return words


def _join(words: list[str]) -> str | None:
    return " ".join(words) or None


def parse_name(full_name: str | None, name_format: str = "First Last") -> ParsedName:
    """Split a full name into first, middle and last names.

    ``name_format`` is ``"LAST, First"`` (surname first, then a comma) or ``"First Last"``.
    A comma always means surname first, whatever the format says, because that is how people
    type it. Titles (Mr, Dr, ...) and suffixes (Jr, III) are dropped; surname particles stay
    with the surname (Anna van der Berg -> last name ``van der berg``).
    """
    if not full_name or not full_name.strip():
        return ParsedName(None, None, None)
    if "," in full_name:
        surname_part, _, given_part = full_name.partition(",")
        surname = _name_words(surname_part)
        given = _name_words(given_part)
        if not given:
            return ParsedName(None, None, _join(surname))
        return ParsedName(given[0], _join(given[1:]), _join(surname))
    words = _name_words(full_name)
    if name_format.upper().startswith("LAST") and len(words) >= 2:
        # "SMITH John Paul" without the comma.
        return ParsedName(words[1], _join(words[2:]), words[0])
    if not words:
        return ParsedName(None, None, None)
    if len(words) == 1:
        return ParsedName(None, None, words[0])
    start = len(words) - 1
    while start > 1 and words[start - 1] in SURNAME_PARTICLES:
        start -= 1
    return ParsedName(words[0], _join(words[1:start]), _join(words[start:]))


def standard_name(value: str | None) -> str | None:
    """A name part as compared: cleaned, titles and suffixes removed."""
    return _join(_name_words(value)) if value else None


def split_forenames(standard: str | None) -> tuple[str | None, str | None]:
    """A standardised first-name field -> (first name, the names after it). Systems that keep
    one "forenames" field ("JORDAN TREVOR", or initials "O G") give the first name and the
    middle names together; every source is split the same way, so the first names compare."""
    if not standard:
        return None, None
    first, _, rest = standard.partition(" ")
    return first, rest or None


@cache
def nickname_lexicon() -> dict[str, str]:
    """Every known form of a first name -> the formal name of its group (bill -> william).

    A nickname in more than one group (for example ``bert``: Albert, Herbert, Robert) keeps the
    first group in the file, which lists the commoner formal name first.

    Borough's own short list (British usage) comes first; then the ``nicknames`` package's
    table (Carlton Northern and Nick Crews, Apache-2.0, about 2,700 pairs of English names and
    their nicknames, maintained on PyPI) fills in every name the short list does not know: a
    nickname maps to the first formal name the package lists it under, a formal name to itself,
    unless the short list already maps it.
    """
    lexicon: dict[str, str] = {}
    with NICKNAMES_FILE.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(line for line in handle if not line.startswith("#"))
        for row in rows:
            if not row:
                continue
            formal = clean_text(row[0])
            if formal is None:  # no name in the first column: nothing to map to
                continue
            lexicon.setdefault(formal, formal)
            for variant in row[1:]:
                key = clean_text(variant)
                if key:
                    lexicon.setdefault(key, formal)
    for formal, nickname in _package_pairs():
        formal = lexicon.get(formal, formal)
        lexicon.setdefault(formal, formal)
        lexicon.setdefault(nickname, formal)
    return lexicon


def _package_pairs() -> list[tuple[str, str]]:
    """(formal name, nickname) from the ``nicknames`` package's data file, cleaned as names."""
    text = (files("nicknames") / "names.csv").read_text(encoding="utf-8")
    pairs = []
    for row in csv.DictReader(text.splitlines()):
        formal, nickname = clean_text(row["name1"]), clean_text(row["name2"])
        if formal and nickname and row["relationship"] == "has_nickname":
            pairs.append((formal, nickname))
    return pairs


def name_canonical(first_name: str | None) -> str | None:
    """The formal name a first name stands for (peggy -> margaret); itself if unknown."""
    name = standard_name(first_name)
    if name is None:
        return None
    first_word = name.split()[0]
    return nickname_lexicon().get(first_word, first_word)
