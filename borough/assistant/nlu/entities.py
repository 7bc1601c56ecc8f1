"""Entities in a resident's message: postcodes, case references, UPRNs and dates.

Pure functions of the text (and of ``today`` for relative dates), no model.
"""

from __future__ import annotations

import datetime
import re

from borough.cases.references import normalise_reference

from .types import Entities

# UK postcode: outward code (A9, A99, AA9, AA99, A9A, AA9A) and inward code (9AA).
_POSTCODE = re.compile(
    r"\b([A-PR-UWYZ][A-HK-Y]?[0-9][0-9A-HJKPSTUW]?)\s*([0-9][ABD-HJLNP-UW-Z]{2})\b", re.I
)
_REFERENCE_CHARS = "0-9A-Za-z"
# 'K7P2-QXM4', 'k7p2 qxm4', 'K7P2QXM4'; the halves are checked by normalise_reference.
_REFERENCE = re.compile(
    rf"(?<![{_REFERENCE_CHARS}-])([{_REFERENCE_CHARS}]{{4}})([\s-]?)([{_REFERENCE_CHARS}]{{4}})(?![{_REFERENCE_CHARS}-])"
)
_UPRN = re.compile(
    r"\b(?:uprn|unique property reference(?: number)?|property reference(?: number)?)"
    r"(?:\s+(?:is|number|no\.?|:|=|#))*\s*[:#=]?\s*(\d{1,12})\b",
    re.I,
)

_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_WEEKDAY_PREFIX = {name[:3]: i for i, name in enumerate(_WEEKDAYS)}
_MONTHS = {
    name: i + 1
    for i, name in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ]
    )
}
_MONTH_WORD = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DAY_MONTH = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+{_MONTH_WORD}\b\.?(?:,?\s+(\d{{4}}))?", re.I
)
_MONTH_DAY = re.compile(
    rf"\b{_MONTH_WORD}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?", re.I
)
_NUMERIC = re.compile(r"\b(\d{1,2})[/.\-](\d{1,2})(?:[/.\-](\d{2}|\d{4}))?\b")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_RELATIVE = re.compile(
    r"\b(today|tonight|tomorrow|tmrw|tommorow|tomorow|yesterday|day after tomorrow)\b", re.I
)
_WEEKDAY = re.compile(
    r"\b(?:(last|next|this|on|by)\s+)?(mon|tue|tues|wed|weds|thu|thur|thurs|fri|sat|sun)"
    r"(?:day|sday|nesday|rsday|urday)?\b",
    re.I,
)


def postcodes(text: str) -> tuple[str, ...]:
    found = []
    for outward, inward in _POSTCODE.findall(text):
        code = f"{outward.upper()} {inward.upper()}"
        if code not in found:
            found.append(code)
    return tuple(found)


def references(text: str) -> tuple[str, ...]:
    """Case references. A hyphenated 'ABCD-EFGH' counts as written; a spaced or run-together one
    must mix letters and digits in each half or be typed in capitals, so ordinary words
    ('bins days', 'anywhere') are not taken for references."""
    found = []
    for first, separator, second in _REFERENCE.findall(text):
        raw = first + second
        has_digit = any(c.isdigit() for c in raw)
        if separator == "-":
            accepted = has_digit or raw.isupper()
        else:
            halves_mixed = all(
                any(c.isdigit() for c in half) and any(c.isalpha() for c in half)
                for half in (first, second)
            )
            accepted = halves_mixed or (raw.isupper() and has_digit and not raw.isdigit())
        if not accepted:
            continue
        reference = normalise_reference(first + second)
        if reference and reference not in found:
            found.append(reference)
    return tuple(found)


def uprns(text: str) -> tuple[str, ...]:
    """Unique Property Reference Numbers: up to 12 digits, only when named as a UPRN."""
    found = []
    for number in _UPRN.findall(text):
        value = str(int(number))
        if value != "0" and value not in found:
            found.append(value)
    return tuple(found)


def _safe_date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def dates(text: str, *, today: datetime.date | None = None) -> tuple[datetime.date, ...]:
    """Dates in UK order: 'today', 'tomorrow', 'last Tuesday', 'Friday' (the next one, today
    included), '3 March', 'March 3rd', '03/03/2026' (day first), '2026-03-03'."""
    today = today or datetime.date.today()
    spans: list[tuple[int, datetime.date]] = []
    taken: list[tuple[int, int]] = []

    def add(match: re.Match, value: datetime.date | None) -> None:
        if value is None:
            return
        if any(match.start() < end and start < match.end() for start, end in taken):
            return
        taken.append((match.start(), match.end()))
        spans.append((match.start(), value))

    for m in _ISO.finditer(text):
        add(m, _safe_date(int(m[1]), int(m[2]), int(m[3])))
    for m in _DAY_MONTH.finditer(text):
        month = _MONTHS[next(k for k in _MONTHS if k.startswith(m[2].lower()[:3]))]
        add(m, _safe_date(int(m[3]) if m[3] else today.year, month, int(m[1])))
    for m in _MONTH_DAY.finditer(text):
        month = _MONTHS[next(k for k in _MONTHS if k.startswith(m[1].lower()[:3]))]
        add(m, _safe_date(int(m[3]) if m[3] else today.year, month, int(m[2])))
    for m in _NUMERIC.finditer(text):
        year = today.year
        if m[3]:
            year = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
        elif "." in m[0] or "-" in m[0]:
            continue  # '3.5' or '10-12' without a year are more often numbers than dates
        add(m, _safe_date(year, int(m[2]), int(m[1])))
    for m in _RELATIVE.finditer(text):
        word = m[1].lower()
        if word == "day after tomorrow":
            offset = 2
        elif word in ("today", "tonight"):
            offset = 0
        elif word == "yesterday":
            offset = -1
        else:
            offset = 1
        add(m, today + datetime.timedelta(days=offset))
    for m in _WEEKDAY.finditer(text):
        qualifier = (m[1] or "").lower()
        word = m[0].lower().split()[-1]
        if word in ("sun", "sat", "wed", "mon", "fri") and qualifier not in (
            "last",
            "next",
            "on",
            "by",
            "this",
        ):
            continue  # 'sat', 'wed', 'sun' alone are ordinary words
        weekday = _WEEKDAY_PREFIX[m[2].lower()[:3]]
        ahead = (weekday - today.weekday()) % 7
        if qualifier == "last":
            value = today - datetime.timedelta(days=(today.weekday() - weekday) % 7 or 7)
        elif qualifier == "next":
            value = today + datetime.timedelta(days=ahead or 7)
        else:
            value = today + datetime.timedelta(days=ahead)
        add(m, value)
    spans.sort(key=lambda item: item[0])
    result: list[datetime.date] = []
    for _, value in spans:
        if value not in result:
            result.append(value)
    return tuple(result)


def extract(text: str, *, today: datetime.date | None = None) -> Entities:
    return Entities(
        postcodes=postcodes(text),
        references=references(text),
        uprns=uprns(text),
        dates=dates(text, today=today),
    )
