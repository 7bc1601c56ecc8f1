"""Dates as extracts write them: the known UK formats, two-digit years, times after the date."""

from __future__ import annotations

import datetime as dt
import re

#: Every format the council's extracts are known to use, tried in this order when a mapping does
#: not say. Day before month: these are UK systems.
KNOWN_DATE_FORMATS = (
    "%d/%m/%Y",
    "%Y-%m-%d",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%d %b %Y",
    "%d %B %Y",
    "%d-%b-%Y",
    "%d/%m/%y",
    "%d-%m-%y",
    "%d-%b-%y",
    "%Y%m%d",
    "%Y/%m/%d",
)


# The all-digit formats, read without strptime (which is slow) when the text has exactly the
# digits the format writes; anything else goes to strptime. Groups: day, month, year.
_NUMERIC_FORMATS = {
    "%d/%m/%Y": re.compile(r"([0-9]{2})/([0-9]{2})/([0-9]{4})"),
    "%Y-%m-%d": re.compile(r"(?P<y>[0-9]{4})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})"),
    "%d-%m-%Y": re.compile(r"([0-9]{2})-([0-9]{2})-([0-9]{4})"),
    "%d.%m.%Y": re.compile(r"([0-9]{2})\.([0-9]{2})\.([0-9]{4})"),
    "%d/%m/%y": re.compile(r"([0-9]{2})/([0-9]{2})/([0-9]{2})"),
    "%d-%m-%y": re.compile(r"([0-9]{2})-([0-9]{2})-([0-9]{2})"),
    "%Y%m%d": re.compile(r"(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})"),
    "%Y/%m/%d": re.compile(r"(?P<y>[0-9]{4})/(?P<m>[0-9]{2})/(?P<d>[0-9]{2})"),
}


def _numeric_date(text: str, fmt: str) -> dt.date | None:
    """What ``strptime(text, fmt)`` gives for an all-digit format, or None to ask strptime.
    Raises ValueError where strptime would (a day or month out of range)."""
    pattern = _NUMERIC_FORMATS.get(fmt)
    if pattern is None:
        return None
    match = pattern.fullmatch(text)
    if match is None:
        return None
    if pattern.groupindex:
        year, month, day = match["y"], match["m"], match["d"]
    else:
        day, month, year = match.groups()
    number = int(year)
    if len(year) == 2:
        number += 2000 if number <= 68 else 1900  # as strptime reads %y
    if number == 0 or month == "00" or day == "00":
        raise ValueError(f"{text!r} is not a date in {fmt}")
    return dt.date(number, int(month), int(day))


def parse_date(
    value: str | dt.date | None,
    formats: tuple[str, ...] | list[str] | str | None = None,
    *,
    today: dt.date | None = None,
) -> dt.date | None:
    """Read a date written in one of ``formats`` (strftime codes; all known formats if None).

    Blank -> ``None``. A time after the date (``2024-01-31 00:00:00``, ``...T09:30``) is ignored.
    Two-digit years are taken as the most recent year that is not in the future
    (``01-02-65`` is 1965, not 2065). Raises ``ValueError`` if no format reads it.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = " ".join(str(value).split())
    if not text:
        return None
    text = re.sub(r"[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$", "", text)
    if isinstance(formats, str):
        formats = (formats,)
    today = today or dt.date.today()
    for fmt in formats or KNOWN_DATE_FORMATS:
        try:
            parsed = _numeric_date(text, fmt) or dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date, no zone
        except ValueError:
            continue
        if "%y" in fmt and parsed > today:
            parsed = parsed.replace(year=parsed.year - 100)
        return parsed
    expected = " or ".join(formats) if formats else "a known date format"
    raise ValueError(f"{text!r} is not a date in {expected}")
