"""Standardise person fields so that the same value written two ways compares equal.

Every function takes the raw text a source gave and returns the standard form, or ``None`` when
there is nothing usable (blank, or not shaped like the thing at all). None of them raise on bad
values except :func:`parse_date`, because an unreadable date in an extract is an error the
officer loading it must see, not a blank to link on.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

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


# Letters that Unicode does not split into a base letter and an accent.
_UNDECOMPOSED = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae", "Æ": "AE"}
)


_APOSTROPHES = re.compile(r"['’`]")
_NOT_ALPHANUMERIC = re.compile(r"[^a-z0-9]+")


# --- text --------------------------------------------------------------------------------------
def clean_text(value: str | None) -> str | None:
    """Lower case, accents folded (Zoë -> zoe), punctuation to spaces, single spaces.

    Apostrophes vanish rather than split a word (O'Brien -> obrien), and hyphens become spaces
    (Smith-Jones -> smith jones) so double-barrelled names can be matched part by part.
    """
    if value is None:
        return None
    text = str(value)
    # ASCII has nothing to translate, decompose or drop, so it skips the slow part.
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
        text = "".join(char for char in text if not unicodedata.combining(char))
    text = _APOSTROPHES.sub("", text.lower())
    text = _NOT_ALPHANUMERIC.sub(" ", text).strip()
    return text or None


# --- names -------------------------------------------------------------------------------------
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


@cache
def nickname_lexicon() -> dict[str, str]:
    """Every known form of a first name -> the formal name of its group (bill -> william).

    A nickname in more than one group (for example ``bert``: Albert, Herbert, Robert) keeps the
    first group in the file, which lists the commoner formal name first.
    """
    lexicon: dict[str, str] = {}
    with NICKNAMES_FILE.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(line for line in handle if not line.startswith("#"))
        for row in rows:
            if not row:
                continue
            formal = clean_text(row[0])
            lexicon.setdefault(formal, formal)
            for variant in row[1:]:
                key = clean_text(variant)
                if key:
                    lexicon.setdefault(key, formal)
    return lexicon


def name_canonical(first_name: str | None) -> str | None:
    """The formal name a first name stands for (peggy -> margaret); itself if unknown."""
    name = standard_name(first_name)
    if name is None:
        return None
    first_word = name.split()[0]
    return nickname_lexicon().get(first_word, first_word)


# --- dates -------------------------------------------------------------------------------------
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
    match = pattern.fullmatch(text) if pattern else None
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


# --- postcodes and addresses -------------------------------------------------------------------
_POSTCODE = re.compile(
    r"^(GIR ?0AA|[A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?|"
    r"[A-PR-UWYZ][0-9][A-HJKPSTUW]|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])"
    r" ([0-9][ABD-HJLNP-UW-Z]{2})$"
)
# Letters typed for digits and back, in the positions where only one of them is allowed.
_AS_DIGIT = str.maketrans({"O": "0", "I": "1", "L": "1", "S": "5"})
_AS_LETTER = str.maketrans({"0": "O", "1": "I", "5": "S"})


def normalise_postcode(value: str | None) -> str | None:
    """``'ub3 1aa '`` -> ``'UB3 1AA'``; ``None`` unless shaped like a valid UK postcode.

    The inward code always starts with a digit, so an O or I typed there (``UB3 OAA``) is read
    as a zero or one.
    """
    compact = re.sub(r"[^A-Za-z0-9]", "", value or "").upper()
    if compact == "GIR0AA":
        return "GIR 0AA"
    if not 5 <= len(compact) <= 7:
        return None
    outward, inward = compact[:-3], compact[-3:]
    inward = inward[0].translate(_AS_DIGIT) + inward[1:].translate(_AS_LETTER)
    candidate = f"{outward} {inward}"
    return candidate if _POSTCODE.match(candidate) else None


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


# --- contact details and identifiers -----------------------------------------------------------
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


# --- the records table -------------------------------------------------------------------------
# standardise_record is the definition of a clean row. The table is built to the same result
# without a Python object per row: names, postcodes, addresses, phones and the rest repeat across
# sources and households (a million records hold a few hundred thousand distinct addresses and far
# fewer names), so each function above runs once per distinct value, the answers go into small
# lookup tables, and DuckDB joins them to the records in one statement on every core.
LOOKUP_BATCH = 100_000
_LOOKUP_PREFIX = "clean_lookup_"
_LOOKUPS = ("name", "sex", "title", "postcode", "address", "uprn", "phone", "email", "ni_number")


def _uprn(value: str | None) -> str | None:
    return re.sub(r"\D", "", value or "") or None


def standardise_record(record: dict) -> dict:
    """One row of the records table -> the row that is linked on."""
    first_name = standard_name(record.get("first_name"))
    last_name = standard_name(record.get("last_name"))
    postcode = normalise_postcode(record.get("postcode"))
    district, sector = postcode_parts(postcode)
    tokens = address_tokens(record.get("address"), postcode)
    return {
        "unique_id": record["record_id"],
        "source": record["source"],
        "source_id": record["source_id"],
        "first_name": first_name,
        "first_name_canonical": name_canonical(first_name),
        "middle_names": standard_name(record.get("middle_names")),
        "last_name": last_name,
        "dob": record.get("dob"),
        "sex": normalise_sex(record.get("sex")) or sex_from_title(record.get("full_name")),
        "address": " ".join(tokens) or None,
        "address_tokens": tokens or None,
        "house_number": house_number(tokens),
        "postcode": postcode,
        "postcode_district": district,
        "postcode_sector": sector,
        "uprn": _uprn(record.get("uprn")),
        "phone": normalise_phone(record.get("phone")),
        "email": normalise_email(record.get("email")),
        "ni_number": normalise_ni_number(record.get("ni_number")),
        "last_seen": record.get("last_seen"),
    }


def _arrow_schema():
    import pyarrow as pa

    text = pa.string()
    return pa.schema(
        [
            ("unique_id", text),
            ("source", text),
            ("source_id", text),
            ("first_name", text),
            ("first_name_canonical", text),
            ("middle_names", text),
            ("last_name", text),
            ("dob", pa.date32()),
            ("sex", text),
            ("address", text),
            ("address_tokens", pa.list_(text)),
            ("house_number", text),
            ("postcode", text),
            ("postcode_district", text),
            ("postcode_sector", text),
            ("uprn", text),
            ("phone", text),
            ("email", text),
            ("ni_number", text),
            ("last_seen", pa.date32()),
        ]
    )


def clean_arrow(records: list[dict]):
    """Rows of the records table -> an Arrow table in the clean table's shape, row by row
    through :func:`standardise_record`: for a handful of rows (tests, examples)."""
    import pyarrow as pa

    return pa.Table.from_pylist([standardise_record(r) for r in records], schema=_arrow_schema())


def _build_lookup(con, name: str, keys_sql: str, columns: dict[str, str], compute) -> None:
    """Temp table ``clean_lookup_<name>`` (``columns``: name -> SQL type): the distinct keys
    ``keys_sql`` selects, then what ``compute`` makes of them, a batch of keys at a time (the
    keys wait in Arrow, not as Python objects)."""
    import pyarrow as pa

    from .db import run

    table = _LOOKUP_PREFIX + name
    arrow_types = {"VARCHAR": pa.string(), "VARCHAR[]": pa.list_(pa.string())}
    schema = pa.schema([(column, arrow_types[kind]) for column, kind in columns.items()])
    ddl = ", ".join(f"{column} {kind}" for column, kind in columns.items())
    run(con, f"CREATE OR REPLACE TEMP TABLE {table} ({ddl})")
    keys = con.sql(keys_sql).to_arrow_table()
    for batch in keys.to_batches(max_chunksize=LOOKUP_BATCH):
        results = compute(*(column.to_pylist() for column in batch.columns))
        arrays = list(batch.columns)
        for values in results:
            arrays.append(pa.array(values, schema.field(len(arrays)).type))
        con.register("clean_lookup_batch", pa.Table.from_arrays(arrays, schema=schema))
        try:
            run(con, f"INSERT INTO {table} SELECT * FROM clean_lookup_batch")
        finally:
            con.unregister("clean_lookup_batch")


def _names(raws: list[str]) -> tuple[list, list]:
    standard = [standard_name(raw) for raw in raws]
    return standard, [name_canonical(name) for name in standard]


def _postcodes(raws: list[str]) -> tuple[list, list, list]:
    postcodes = [normalise_postcode(raw) for raw in raws]
    parts = [postcode_parts(postcode) for postcode in postcodes]
    return postcodes, [part[0] for part in parts], [part[1] for part in parts]


def _addresses(addresses: list[str], postcodes: list[str]) -> tuple[list, list, list]:
    """address_tokens for (address, standard postcode or '') pairs sorted by address.

    An address is cleaned once however many postcodes it comes with; the postcode changes the
    tokens only where one of its forms is in the cleaned text (it is removed as a word), so
    elsewhere the tokens without it are the answer.
    """
    texts, token_lists, numbers = [], [], []
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


def _each(function):
    return lambda raws: ([function(raw) for raw in raws],)


def clean_select(con, source: str) -> str:
    """Build the lookup tables for the distinct values of ``source`` (a table or view in the
    records table's shape) and return the SQL that selects its clean rows from them.
    :func:`drop_lookups` removes the lookups once the rows are written."""
    text = "VARCHAR"
    lookups = [
        (
            "name",
            "SELECT first_name FROM {s} WHERE first_name IS NOT NULL UNION "
            "SELECT middle_names FROM {s} WHERE middle_names IS NOT NULL UNION "
            "SELECT last_name FROM {s} WHERE last_name IS NOT NULL",
            {"raw": text, "standard": text, "canonical": text},
            _names,
        ),
        ("sex", "sex", {"raw": text, "sex": text}, _each(normalise_sex)),
        ("title", "full_name", {"raw": text, "sex": text}, _each(sex_from_title)),
        (
            "postcode",
            "postcode",
            {"raw": text, "postcode": text, "district": text, "sector": text},
            _postcodes,
        ),
        ("uprn", "uprn", {"raw": text, "uprn": text}, _each(_uprn)),
        ("phone", "phone", {"raw": text, "phone": text}, _each(normalise_phone)),
        ("email", "email", {"raw": text, "email": text}, _each(normalise_email)),
        ("ni_number", "ni_number", {"raw": text, "ni_number": text}, _each(normalise_ni_number)),
    ]
    for name, values, columns, compute in lookups:
        if " " not in values:
            values = f"SELECT DISTINCT {values} FROM {{s}} WHERE {values} IS NOT NULL"
        _build_lookup(con, name, values.format(s=source), columns, compute)
    # The postcode is taken out of the address, so an address is looked up with its postcode.
    _build_lookup(
        con,
        "address",
        f"SELECT DISTINCT r.address, coalesce(p.postcode, '') AS postcode "
        f"FROM {source} r LEFT JOIN {_LOOKUP_PREFIX}postcode p ON p.raw = r.postcode "
        "WHERE r.address IS NOT NULL ORDER BY r.address",
        {
            "raw": text,
            "postcode": text,
            "address": text,
            "tokens": "VARCHAR[]",
            "house_number": text,
        },
        _addresses,
    )
    p = _LOOKUP_PREFIX
    return f"""
        SELECT r.record_id AS unique_id, r.source, r.source_id,
            fn.standard AS first_name, fn.canonical AS first_name_canonical,
            mn.standard AS middle_names, ln.standard AS last_name, r.dob,
            coalesce(sx.sex, tt.sex) AS sex,
            ad.address, ad.tokens AS address_tokens, ad.house_number,
            pc.postcode, pc.district AS postcode_district, pc.sector AS postcode_sector,
            up.uprn, ph.phone, em.email, ni.ni_number, r.last_seen
        FROM {source} r
        LEFT JOIN {p}name fn ON fn.raw = r.first_name
        LEFT JOIN {p}name mn ON mn.raw = r.middle_names
        LEFT JOIN {p}name ln ON ln.raw = r.last_name
        LEFT JOIN {p}sex sx ON sx.raw = r.sex
        LEFT JOIN {p}title tt ON tt.raw = r.full_name
        LEFT JOIN {p}postcode pc ON pc.raw = r.postcode
        LEFT JOIN {p}address ad
            ON ad.raw = r.address AND ad.postcode = coalesce(pc.postcode, '')
        LEFT JOIN {p}uprn up ON up.raw = r.uprn
        LEFT JOIN {p}phone ph ON ph.raw = r.phone
        LEFT JOIN {p}email em ON em.raw = r.email
        LEFT JOIN {p}ni_number ni ON ni.raw = r.ni_number
    """


def drop_lookups(con) -> None:
    from .db import run

    for name in _LOOKUPS:
        run(con, f"DROP TABLE IF EXISTS {_LOOKUP_PREFIX}{name}")


def standardise_table(con) -> int:
    """Build the clean table from the records table (replacing it); returns its row count."""
    from .db import memory_limit, run, scalar
    from .schema import CLEAN_TABLE, RECORDS_TABLE

    try:
        with memory_limit(con):
            select = clean_select(con, RECORDS_TABLE)
            run(con, f"CREATE OR REPLACE TABLE {CLEAN_TABLE} AS {select} ORDER BY unique_id")
    finally:
        drop_lookups(con)
    return scalar(con, f"SELECT count(*) FROM {CLEAN_TABLE}")
