"""Bin collection days: the next collections at a street, bank holidays allowed for, and iCalendar.

The rule most London boroughs use is followed: in a week with a bank holiday on or before the
usual collection day (Monday to Friday), every collection that week is one day later for each
such bank holiday, and a collection never lands on another bank holiday or a Sunday: it goes on
to the next day that is neither (Thursday 31 December 2026, in the week of the Boxing Day bank
holiday, is not collected on New Year's Day but on Saturday 2 January). The bank holidays are
those of England (the ``holidays`` package, through ``core.working_days``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from borough.core.working_days import bank_holidays

from .models import CollectionSchedule, Property, WasteStream


@dataclass(frozen=True)
class Collection:
    day: dt.date
    stream: str
    usual_day: dt.date  # the day it would be without a bank holiday

    @property
    def label(self) -> str:
        return str(WasteStream(self.stream).label)

    @property
    def moved(self) -> bool:
        return self.day != self.usual_day


def _moved_for_bank_holidays(day: dt.date) -> dt.date:
    if day.weekday() >= 5:
        return day
    monday = day - dt.timedelta(days=day.weekday())
    closed = bank_holidays(day.year) | bank_holidays(monday.year)
    shift = sum(1 for holiday in closed if monday <= holiday <= day)
    if not shift:
        return day
    moved = day + dt.timedelta(days=shift)
    closed |= bank_holidays(moved.year)
    while moved in closed or moved.weekday() == 6:
        moved += dt.timedelta(days=1)
        closed |= bank_holidays(moved.year)
    return moved


def collections_between(
    schedules: list[CollectionSchedule], start: dt.date, end: dt.date
) -> list[Collection]:
    """Every collection from ``start`` to ``end`` inclusive, in date order."""
    found = []
    for schedule in schedules:
        step = dt.timedelta(weeks=schedule.every_weeks)
        # The first usual day on or after start that is in step with first_date.
        offset = (start - schedule.first_date).days
        period = step.days
        day = schedule.first_date + dt.timedelta(days=-(-offset // period) * period)
        # A collection moved by bank holidays can fall after its usual day: look one step back.
        day -= step
        while day <= end:
            actual = _moved_for_bank_holidays(day)
            if start <= actual <= end:
                found.append(Collection(day=actual, stream=schedule.stream, usual_day=day))
            day += step
    return sorted(found, key=lambda c: (c.day, list(WasteStream.values).index(c.stream)))


def schedules_for(prop: Property) -> list[CollectionSchedule]:
    return list(CollectionSchedule.objects.filter(street_id=prop.usrn_id))


def collections_coming(prop: Property, *, start: dt.date, days: int) -> list[Collection]:
    """The collections at ``prop`` from ``start`` for ``days`` days, in date order."""
    return collections_between(schedules_for(prop), start, start + dt.timedelta(days=days))


def collections_by_day(collections: list[Collection]) -> list[tuple[dt.date, list[Collection]]]:
    """Collections grouped by the day they happen, in date order: what a resident reads as
    "Tuesday 3 March: general waste, recycling"."""
    days: dict[dt.date, list[Collection]] = {}
    for collection in collections:
        days.setdefault(collection.day, []).append(collection)
    return list(days.items())


def icalendar(prop: Property, collections: list[Collection], *, council: str) -> str:
    """An iCalendar (RFC 5545) file of all-day events, one per collection."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//Borough//{_escape(council)} bin collections//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape('Bin collections: ' + prop.single_line)}",
        # A subscribed calendar (webcal) asks again twice a day, so changed rounds show up.
        "REFRESH-INTERVAL;VALUE=DURATION:PT12H",
        "X-PUBLISHED-TTL:PT12H",
    ]
    for item in collections:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{prop.uprn}-{item.stream}-{item.day:%Y%m%d}@borough",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{item.day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{item.day + dt.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_escape(item.label)}",
            "DESCRIPTION:"
            + _escape(
                "Put your bin out by 6am."
                + (
                    f" Moved from {item.usual_day:%A %-d %B} because of a bank holiday."
                    if item.moved
                    else ""
                )
            ),
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines longer than 75 octets are folded, as RFC 5545 requires."""
    data = line.encode()
    if len(data) <= 75:
        return line
    parts: list[str] = []
    current = b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode())
            current = b""
        current += encoded
    parts.append(current.decode())
    return "\r\n ".join(parts)
