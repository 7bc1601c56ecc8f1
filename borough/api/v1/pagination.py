"""Cursor pagination: an opaque cursor that names the last row of the page in a stable order.

No OFFSET: the next page is read from the index, after the last row, however deep the client
goes, and rows written meanwhile never shift a page.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json

from borough.core.errors import ApiError, ErrorCode

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def encode_cursor(order: str, moment: dt.datetime, pk: int) -> str:
    raw = json.dumps([order, moment.isoformat(), pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, order: str) -> tuple[dt.datetime, int]:
    """The (moment, id) a cursor names; ``invalid_cursor`` for anything else, or for a cursor
    made for another order."""
    problem = ApiError(
        ErrorCode.INVALID_CURSOR,
        "cursor is not one this API gave: use next_cursor from the previous page, unchanged, "
        "with the same order",
    )
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        kind, moment, pk = value
        parsed = dt.datetime.fromisoformat(moment)
    except (ValueError, TypeError, UnicodeError, binascii.Error):
        raise problem from None
    if kind != order or not isinstance(pk, int) or isinstance(pk, bool) or parsed.tzinfo is None:
        raise problem
    return parsed, pk
