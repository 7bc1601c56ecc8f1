"""UK postcodes: recognise and normalise them, the one way every app does.

Pure Python with no Django import: the gazetteer (``places``), the forms and the assistant read
a postcode a resident typed with it, and the linkage engine (which imports nothing else
first-party, ADR 0027) reads the postcodes in source systems' extracts with it.
"""

from __future__ import annotations

import re

# The shape of a UK postcode (outward code, space, inward code), including GIR 0AA.
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


def postcode_key(postcode: str) -> str:
    """The postcode without spaces, upper case: as stored for lookups and compared in search."""
    return re.sub(r"\s", "", postcode).upper()
