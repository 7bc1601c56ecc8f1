"""Resident-facing words of the waste processes, in the resident's own language (their
``preferred_language`` where Borough has a translation; English otherwise)."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

from django.conf import settings
from django.utils import formats, translation


@contextmanager
def their_language(case):
    resident = getattr(case, "resident", None)
    wanted = (getattr(resident, "preferred_language", "") or "").lower()[:2]
    known = {code for code, _ in settings.LANGUAGES}
    with translation.override(wanted if wanted in known else "en"):
        yield


def day(value: dt.date | str) -> str:
    """A date as residents read it ("Tuesday 8 December 2026"), in the active language."""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return formats.date_format(value, "l j E Y")
