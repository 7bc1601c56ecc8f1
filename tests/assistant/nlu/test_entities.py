"""Entities: postcodes, case references, UPRNs and dates as a resident types them."""

from __future__ import annotations

import datetime

import pytest

from borough.assistant.nlu.entities import dates, extract, postcodes, references, uprns

TODAY = datetime.date(2026, 11, 26)  # a Thursday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my postcode is e81dy", ("E8 1DY",)),
        ("SW1A 1AA and ec1a1bb", ("SW1A 1AA", "EC1A 1BB")),
        ("I live at 4 Elm Road, N1  9GU", ("N1 9GU",)),
        ("ub8 1qa", ("UB8 1QA",)),
        ("call 07700 900123", ()),
        ("flat 12b", ()),
    ],
)
def test_postcodes_are_normalised(text, expected):
    assert postcodes(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("status of K7P2-QXM4 please", ("K7P2-QXM4",)),
        ("my ref is k7p2 qxm4", ("K7P2-QXM4",)),
        ("reference K7P2QXM4", ("K7P2-QXM4",)),
        ("ABCD-EFGH", ("ABCD-EFGH",)),
        ("k7p2-qxmo", ("K7P2-QXM0",)),  # O read as zero, as Borough does
        ("when are my bins days", ()),
        ("anywhere near the park", ()),
        ("well-done", ()),
        ("12345678", ()),
    ],
)
def test_case_references(text, expected):
    assert references(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my UPRN is 100021500002", ("100021500002",)),
        ("uprn: 10008", ("10008",)),
        ("property reference number 123456789012", ("123456789012",)),
        ("I have 100021500002 bins", ()),  # a bare number is not a UPRN
        ("uprn 1234567890123", ()),  # 13 digits is too long
    ],
)
def test_uprns_only_in_context(text, expected):
    assert uprns(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", (TODAY,)),
        ("tomorrow", (datetime.date(2026, 11, 27),)),
        ("yesterday", (datetime.date(2026, 11, 25),)),
        ("on Monday", (datetime.date(2026, 11, 30),)),
        ("last tuesday", (datetime.date(2026, 11, 24),)),
        ("next Thursday", (datetime.date(2026, 12, 3),)),
        ("3 March", (datetime.date(2026, 3, 3),)),
        ("the 3rd of march 2027", (datetime.date(2027, 3, 3),)),
        ("March 3rd", (datetime.date(2026, 3, 3),)),
        ("03/03/2026", (datetime.date(2026, 3, 3),)),
        ("4/5/26", (datetime.date(2026, 5, 4),)),  # day first
        ("12/11", (datetime.date(2026, 11, 12),)),
        ("2026-03-03", (datetime.date(2026, 3, 3),)),
        ("31/02/2026", ()),  # no such day
        ("I sat on a bench", ()),
    ],
)
def test_dates_uk_day_first(text, expected):
    assert dates(text, today=TODAY) == expected


def test_extract_finds_everything_at_once():
    e = extract("Ref K7P2-QXM4, uprn 100021500002, E8 1DY, missed on 3 March", today=TODAY)
    assert e.references == ("K7P2-QXM4",)
    assert e.uprns == ("100021500002",)
    assert e.postcodes == ("E8 1DY",)
    assert e.dates == (datetime.date(2026, 3, 3),)
