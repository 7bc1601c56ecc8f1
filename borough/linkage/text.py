"""Free text as the engine compares it: lower case, accents folded, punctuation gone.

The functions here and in ``names``, ``dates``, ``addresses`` and ``personal_details`` take the
raw text a source gave and return the standard form, or ``None`` when there is nothing usable
(blank, or not shaped like the thing at all), so that the same value written two ways compares
equal. None of them raise on bad values except ``dates.parse_date``, because an unreadable date
in an extract is an error the officer loading it must see, not a blank to link on.
"""

from __future__ import annotations

import re
import unicodedata

# Letters that Unicode does not split into a base letter and an accent.
_UNDECOMPOSED = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae", "Æ": "AE"}
)


_APOSTROPHES = re.compile(r"['’`]")
_NOT_ALPHANUMERIC = re.compile(r"[^a-z0-9]+")


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
