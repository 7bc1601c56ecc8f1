"""Text from outside: the one rule for control characters, used by every way in (issue 16).

C0 control characters other than tab, line feed and carriage return (U+0000 to U+001F) and
DEL (U+007F) are never a resident's or a system's words: they cannot be written in XML 1.0 (so
one stored in a description breaks every Open311 XML feed), PostgreSQL refuses NUL in text,
and SQLite cut a description short at one. Every text input is refused with a clear error if it
holds one (``control_character_problem``); what is already stored is cleaned on the way out to
XML (``xml_safe``).
"""

from __future__ import annotations

import re
from typing import Any

# C0 controls except tab (09), line feed (0A) and carriage return (0D), and DEL.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# What XML 1.0 cannot hold at all (its Char production), for text already stored.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

CONTROL_CHARACTER_MESSAGE = (
    "must not contain control characters (such as NUL or ESC): remove them and send it again"
)


def has_control_characters(text: str) -> bool:
    return CONTROL_CHARACTERS.search(text) is not None


def control_character_problem(value: Any, path: str = "") -> str | None:
    """The path (``""`` for the value itself, ``"answers.details"``, ``"items[2]"``) of the first
    string inside ``value`` holding a control character, keys included; ``None`` if there is
    none. Looks through dicts, lists and tuples at any depth."""
    if isinstance(value, str):
        return path if has_control_characters(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            key_path = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and has_control_characters(key):
                return path or "(a field name)"
            found = control_character_problem(item, key_path)
            if found is not None:
                return found
        return None
    if isinstance(value, list | tuple):
        for n, item in enumerate(value):
            found = control_character_problem(item, f"{path}[{n}]")
            if found is not None:
                return found
    return None


def xml_safe(text: str) -> str:
    """``text`` with every character XML 1.0 cannot hold taken out."""
    return _NOT_XML.sub("", text)
