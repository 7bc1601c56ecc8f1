"""Phone numbers as the gateway gives them and as residents' records hold them.

The gateway passes the dialled and calling numbers as the PBX sent them: E.164
(``+441632960000``), national (``01632 960000``), or inside a SIP or tel URI
(``sip:+441632960000@sbc.example``). The plan keys numbers in E.164. (The same rules as
``linkage.personal_details.normalise_phone``, which this room may not import.)
"""

from __future__ import annotations

import re

from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Replace

from borough.people.models import Resident


def e164(value: str | None) -> str | None:
    """``value`` in E.164, or None when it is not a phone number (withheld, anonymous)."""
    if not value:
        return None
    text = str(value).strip()
    if ":" in text:  # sip:+44...@host, tel:+44..., sips:...
        text = text.split(":", 1)[1].split("@", 1)[0].split(";", 1)[0]
    text = text.replace("(0)", "")
    digits = re.sub(r"\D", "", text)
    if text.startswith("+") or digits.startswith("00"):
        digits = digits[2:] if digits.startswith("00") else digits
        if not digits.startswith("44"):
            return f"+{digits}" if 8 <= len(digits) <= 15 else None
        national = digits[2:]
    elif digits.startswith("44") and len(digits) in (11, 12):
        national = digits[2:]
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        return None
    national = national.removeprefix("0")
    if len(national) not in (9, 10) or national[0] not in "123578":
        return None
    return f"+44{national}"


def _stored_forms(number: str) -> list[str]:
    """Every compact way a UK number in E.164 may have been typed and stored."""
    if not number.startswith("+44"):
        return [number]
    national = number[3:]
    return [number, f"0{national}", f"44{national}", f"0044{national}", f"+440{national}"]


def residents_with_number(number: str) -> QuerySet[Resident]:
    """The residents whose recorded phone number is ``number`` (E.164), however it was typed
    ("07700 900 982", "+44 7700 900982")."""
    compact = Replace(F("phone"), Value(" "), Value(""))
    for character in "-().":
        compact = Replace(compact, Value(character), Value(""))
    return (
        Resident.objects.annotate(phone_compact=compact)
        .filter(Q(phone_compact__in=_stored_forms(number)))
        .order_by("pk")
    )
