"""Human-friendly case references: 8 characters, easy to read out over the phone."""

from __future__ import annotations

import re
import secrets

# Crockford's base 32: no I, L, O or U, so nothing is mistaken for 1, 0 or V.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_REFERENCE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")


def new_reference() -> str:
    chars = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{chars[:4]}-{chars[4:]}"


def normalise_reference(text: str) -> str | None:
    """Accept what people type ('k7p2 qxm4', 'K7P2QXM4', 'k7p2-qxmA') or ``None``."""
    compact = re.sub(r"[\s\-]", "", (text or "").upper())
    compact = compact.translate(str.maketrans("ILO", "110"))
    if len(compact) != 8:
        return None
    candidate = f"{compact[:4]}-{compact[4:]}"
    return candidate if _REFERENCE.match(candidate) else None
