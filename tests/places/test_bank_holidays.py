"""Bank holidays move collections as UK councils move them, and the hints' example postcodes
find addresses (issue 17, point 5)."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from borough.places.collections import collections_between
from borough.places.importer import import_collection_rounds
from borough.places.models import CollectionSchedule

ROUNDS = """USRN,STREAM,WEEKDAY,EVERY_WEEKS,FIRST_DATE
20750001,general,Monday,1,2026-03-02
20750002,general,Thursday,1,2026-03-05
20750003,general,Friday,1,2026-03-06
"""


def _days(usrn: int, start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    schedules = list(CollectionSchedule.objects.filter(street_id=usrn))
    return [(c.usual_day, c.day) for c in collections_between(schedules, start, end)]


@pytest.mark.django_db
def test_a_collection_moved_by_a_bank_holiday_never_lands_on_another(gazetteer):
    import_collection_rounds(io.StringIO(ROUNDS))
    christmas = (dt.date(2026, 12, 21), dt.date(2027, 1, 10))
    # Thursday 31 December 2026 moves for Boxing Day (observed Monday 28 December), and not
    # onto New Year's Day (Friday 1 January): it goes to Saturday 2 January.
    thursdays = dict(_days(20750002, *christmas))
    assert thursdays[dt.date(2026, 12, 31)] == dt.date(2027, 1, 2)
    # Christmas Day, a Friday: not Boxing Day (Saturday), a Sunday or the Monday bank holiday.
    fridays = dict(_days(20750003, *christmas))
    assert fridays[dt.date(2026, 12, 25)] == dt.date(2026, 12, 29)
    # Every collection day that week is one day later, and none is on a bank holiday or Sunday.
    mondays = dict(_days(20750001, *christmas))
    assert mondays[dt.date(2026, 12, 28)] == dt.date(2026, 12, 29)
    holidays = {dt.date(2026, 12, d) for d in (25, 26, 28)} | {dt.date(2027, 1, 1)}
    for found in (thursdays, fridays, mondays):
        for actual in found.values():
            assert actual not in holidays and actual.weekday() != 6
    # An ordinary week is untouched.
    assert dict(_days(20750002, dt.date(2027, 1, 4), dt.date(2027, 1, 10))) == {
        dt.date(2027, 1, 7): dt.date(2027, 1, 7)
    }


@pytest.mark.django_db
def test_the_postcode_hint_gives_a_postcode_that_finds_addresses(client, gazetteer, catalogue):
    page = client.get("/bin-days/").content.decode()
    assert "UB8 1UW" not in page
    assert "For example, UB3 2ZX" in page
    found = client.get("/bin-days/", {"postcode": "UB3 2ZX"}).content.decode()
    assert "Choose your address" in found
    # The same on a form's postcode step.
    client.post("/services/report-missed-bin/")
    step = client.get("/services/report-missed-bin/questions/address/").content.decode()
    assert "For example, UB3 2ZX" in step and "UB8 1UW" not in step
