"""Was a bin due to be collected on the day a resident says it was missed?

A missed-collection form's date question names its address and bin questions
(``collection_of``); the date must be a day that address had that bin collected, by the
street's rounds (bank holidays allowed for). If it was not, the resident is told when the
collections at the address are, and when the next one is. Where the street's rounds are not
known, nothing is refused.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from borough.places.collections import collections_between, schedules_for
from borough.places.models import WasteStream
from borough.places.selectors import property_get

from .definitions import Question

LOOK_BACK_DAYS = 28
LOOK_AHEAD_DAYS = 35


def stream_of(value: Any) -> str | None:
    """The waste stream a bin answer names: ``recycling``, or ``general_waste`` → general."""
    if not isinstance(value, str):
        return None
    for candidate in (value, value.removesuffix("_waste"), value.removesuffix("_bin")):
        if candidate in WasteStream.values:
            return candidate
    return None


def _day(day: dt.date) -> str:
    return date_format(day, "l j F")


def collection_day_error(question: Question, answers: dict[str, Any], value: Any) -> str | None:
    """Why this date cannot be a missed collection of the bin at the address, or None."""
    if not question.collection_of or not value:
        return None
    address_id, bin_id = question.collection_of
    stream = stream_of(answers.get(bin_id))
    uprn = answers.get(address_id)
    prop = property_get(uprn) if uprn else None
    if stream is None or prop is None:
        return None
    schedules = schedules_for(prop)
    if not schedules:
        return None  # this street's rounds are not known here: nothing to check against
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    own = [schedule for schedule in schedules if schedule.stream == stream]
    label = str(WasteStream(stream).label)
    bin_name = label[:1].lower() + label[1:]
    if not own:
        return _("We do not collect %(bin)s at this address, so it cannot have been missed") % {
            "bin": bin_name
        }
    if collections_between(own, day, day):
        return None
    today = timezone.localdate()
    before = collections_between(own, day - dt.timedelta(days=LOOK_BACK_DAYS), today)
    coming = collections_between(
        own, today + dt.timedelta(days=1), today + dt.timedelta(days=LOOK_AHEAD_DAYS)
    )
    message = _("There was no %(bin)s collection at this address on %(day)s.") % {
        "bin": bin_name,
        "day": _day(day),
    }
    if before:
        message += " " + _("The last one was on %(day)s.") % {"day": _day(before[-1].day)}
    if coming:
        message += " " + _("The next one is on %(day)s.") % {"day": _day(coming[0].day)}
    return message + " " + _("Enter the day we should have collected it")
