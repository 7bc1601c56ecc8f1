"""UK postcodes: recognise and normalise them."""

from __future__ import annotations

import re

# The shape of a UK postcode (outward code, space, inward code), including GIR 0AA.
_POSTCODE = re.compile(
    r"^(GIR ?0AA|[A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?|"
    r"[A-PR-UWYZ][0-9][A-HJKPSTUW]|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])"
    r" ?([0-9][ABD-HJLNP-UW-Z]{2})$"
)


def normalise_postcode(text: str) -> str | None:
    """``'ub3 1aa '`` -> ``'UB3 1AA'``; ``None`` if it is not shaped like a UK postcode."""
    compact = re.sub(r"[^A-Za-z0-9]", "", text or "").upper()
    if len(compact) < 5 or len(compact) > 7:
        return None
    candidate = f"{compact[:-3]} {compact[-3:]}"
    match = _POSTCODE.match(candidate)
    return candidate if match else None


def postcode_key(postcode: str) -> str:
    """The postcode without spaces, as stored for lookups."""
    return re.sub(r"\s", "", postcode).upper()
