"""Postcodes and addresses as the engine compares them: a postcode's district and sector, an
address's words with abbreviations spelt out and the postcode left out, its house number.

Postcodes themselves are read by ``borough.core.postcodes.normalise_postcode``, the one reading
every app shares (ADR 0027)."""

from __future__ import annotations

import re
from functools import lru_cache

from .text import clean_text


def postcode_parts(postcode: str | None) -> tuple[str | None, str | None]:
    """(district, sector) of a standard postcode: ``UB3 1AA`` -> (``UB3``, ``UB3 1``)."""
    if not postcode:
        return None, None
    outward, _, inward = postcode.partition(" ")
    return outward, f"{outward} {inward[:1]}"


ADDRESS_ABBREVIATIONS = {
    "rd": "road",
    "st": "street",
    "str": "street",
    "ave": "avenue",
    "av": "avenue",
    "cl": "close",
    "ln": "lane",
    "gdns": "gardens",
    "gdn": "gardens",
    "cres": "crescent",
    "cresc": "crescent",
    "dr": "drive",
    "ct": "court",
    "pl": "place",
    "sq": "square",
    "ter": "terrace",
    "terr": "terrace",
    "gr": "grove",
    "wlk": "walk",
    "hse": "house",
    "ho": "house",
    "apt": "flat",
    "apartment": "flat",
    "fl": "flat",
}


def address_tokens(address: str | None, postcode: str | None = None) -> list[str]:
    """The words of an address, cleaned, abbreviations spelt out, the postcode left out.

    ``'Flat 3, 12a Mill Rd., UXBRIDGE UB8 1AA'`` -> ``['flat', '3', '12a', 'mill', 'road',
    'uxbridge']``. "St" before a name is Saint (St Johns Road), after one it is Street.
    """
    return _address_words(_address_text(address), postcode)


_FLAT_AT_NUMBER = re.compile(r"\b(\d+[A-Za-z]?)\s*/\s*(\d+[A-Za-z]?)\b")
_NUMBER_LETTER = re.compile(r"\b(\d+) ([a-h])\b(?! \d)")


def _address_text(address: str | None) -> str | None:
    """The first half of :func:`address_tokens`: the address as clean text."""
    if address:
        # "3/12 Mill Road" is flat 3 at number 12.
        address = _FLAT_AT_NUMBER.sub(r"flat \1 \2", address)
    return clean_text(address)


@lru_cache(maxsize=1 << 16)
def _postcode_forms(postcode: str) -> tuple[str, ...]:
    spaced = postcode.lower()
    compact = spaced.replace(" ", "")
    return (spaced, compact) if compact != spaced else (spaced,)


def _without_form(text: str, form: str) -> str:
    """``text`` (clean: words of a to z and 0 to 9, single spaces) with every whole-word
    occurrence of ``form`` left out, leaving a gap of two spaces where it was (so ``12 <postcode>
    a`` does not become the house number ``12a``)."""
    if form not in text:
        return text
    form_words = form.split()
    size = len(form_words)
    words = text.split(" ")
    kept, index = [], 0
    while index < len(words):
        if words[index : index + size] == form_words:
            kept.append("")
            index += size
        else:
            kept.append(words[index])
            index += 1
    return " ".join(kept)


def _address_words(text: str | None, postcode: str | None) -> list[str]:
    """The second half of :func:`address_tokens`: clean text -> tokens, the postcode left out."""
    if not text:
        return []
    if postcode:
        for form in _postcode_forms(postcode):
            text = _without_form(text, form)
    # "12 a" -> "12a", as house numbers are written both ways.
    text = _NUMBER_LETTER.sub(r"\1\2", text)
    words = text.split()
    tokens = []
    for index, word in enumerate(words):
        if word == "st" and index + 1 < len(words) and not words[index + 1].isdigit():
            following = words[index + 1]
            if following not in ADDRESS_ABBREVIATIONS and following not in ("road", "street"):
                tokens.append("saint")
                continue
        tokens.append(ADDRESS_ABBREVIATIONS.get(word, word))
    return tokens


def house_number(tokens: list[str]) -> str | None:
    """The first token holding a number that is not a flat number (``flat 3, 12a`` -> ``12a``)."""
    previous = None
    for token in tokens:
        if token[0].isdigit() and previous not in ("flat", "unit", "room"):
            return token
        previous = token
    return None


def sorted_address_tokens(addresses: list[str], postcodes: list[str]) -> tuple[list, list, list]:
    """address_tokens for (address, standard postcode or '') pairs sorted by address.

    An address is cleaned once however many postcodes it comes with; the postcode changes the
    tokens only where one of its forms is in the cleaned text (it is removed as a word), so
    elsewhere the tokens without it are the answer.
    """
    texts: list[str | None] = []
    token_lists: list[list[str] | None] = []
    numbers: list[str | None] = []
    last_address, text, plain = None, None, []
    for address, postcode in zip(addresses, postcodes, strict=True):
        if address != last_address or not token_lists:
            last_address, text = address, _address_text(address)
            plain = _address_words(text, None)
        tokens = plain
        if postcode and text and any(form in text for form in _postcode_forms(postcode)):
            tokens = _address_words(text, postcode)
        texts.append(" ".join(tokens) or None)
        token_lists.append(tokens or None)
        numbers.append(house_number(tokens))
    return texts, token_lists, numbers
