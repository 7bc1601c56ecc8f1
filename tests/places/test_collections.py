"""Bin collection days: rounds imported from the waste team, bank holidays, calendar files."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone

from borough.places.collections import collections_between, icalendar
from borough.places.importer import ImportRefused, import_collection_rounds
from borough.places.models import CollectionSchedule, Property

ROUNDS = """USRN,STREAM,WEEKDAY,EVERY_WEEKS,FIRST_DATE
20750001,general,Monday,2,2026-03-02
20750001,recycling,Monday,2,2026-03-09
20750001,food,Monday,1,2026-03-02
20750002,general,Wednesday,1,2026-03-04
"""


def load(text: str, **kwargs):
    return import_collection_rounds(io.StringIO(text), **kwargs)


@pytest.mark.django_db
def test_rounds_load_and_alternate_fortnightly(gazetteer):
    report = load(ROUNDS)
    assert report.ok and report.loaded == 4
    schedules = list(CollectionSchedule.objects.filter(street_id=20750001))
    found = collections_between(schedules, dt.date(2026, 3, 16), dt.date(2026, 3, 29))
    assert [(c.day, c.stream) for c in found] == [
        (dt.date(2026, 3, 16), "general"),
        (dt.date(2026, 3, 16), "food"),
        (dt.date(2026, 3, 23), "recycling"),
        (dt.date(2026, 3, 23), "food"),
    ]


@pytest.mark.django_db
def test_a_bank_holiday_moves_that_weeks_collections_a_day_later(gazetteer):
    load(ROUNDS)
    # Easter Monday is 6 April 2026: Monday's and Wednesday's collections move a day.
    monday = collections_between(
        list(CollectionSchedule.objects.filter(street_id=20750001, stream="food")),
        dt.date(2026, 4, 6),
        dt.date(2026, 4, 12),
    )
    assert [(c.day, c.usual_day, c.moved) for c in monday] == [
        (dt.date(2026, 4, 7), dt.date(2026, 4, 6), True)
    ]
    wednesday = collections_between(
        list(CollectionSchedule.objects.filter(street_id=20750002)),
        dt.date(2026, 4, 6),
        dt.date(2026, 4, 12),
    )
    assert [c.day for c in wednesday] == [dt.date(2026, 4, 9)]
    # A moved collection just after the range start is still found.
    found = collections_between(
        list(CollectionSchedule.objects.filter(street_id=20750001, stream="food")),
        dt.date(2026, 4, 7),
        dt.date(2026, 4, 7),
    )
    assert [c.day for c in found] == [dt.date(2026, 4, 7)]


@pytest.mark.django_db
def test_bad_rounds_load_nothing_and_every_problem_is_listed(gazetteer):
    bad = (
        "USRN,STREAM,WEEKDAY,EVERY_WEEKS,FIRST_DATE\n"
        "20750001,general,Monday,2,2026-03-02\n"
        "99999999,general,Monday,2,2026-03-02\n"
        "20750002,glass,Monday,2,2026-03-02\n"
        "20750002,general,Someday,2,2026-03-02\n"
        "20750002,food,Tuesday,2,2026-03-02\n"
        "20750003,food,Monday,9,2026-03-02\n"
        "20750003,garden,Monday,2,02/03/2026\n"
        "20750001,general,Monday,2,2026-03-02\n"
    )
    report = load(bad)
    assert not CollectionSchedule.objects.exists()
    messages = {e.line: e.message for e in report.errors}
    assert "not a street in the gazetteer" in messages[3]
    assert "STREAM must be one of" in messages[4]
    assert "WEEKDAY must be Monday to Friday" in messages[5]
    assert "is a Monday, not a Tuesday" in messages[6]
    assert "EVERY_WEEKS must be 1, 2, 3 or 4" in messages[7]
    assert "FIRST_DATE must be a date like" in messages[8]
    assert "also on line 2" in messages[9]
    assert "Nothing was imported" in report.summary()
    skipped = load(bad, policy="skip_invalid")
    assert skipped.loaded == 1 and CollectionSchedule.objects.count() == 1
    with pytest.raises(ImportRefused, match="missing the columns"):
        load("USRN,STREAM\n20750001,general\n")


@pytest.mark.django_db
def test_the_calendar_file_is_valid_icalendar(gazetteer):
    load(ROUNDS)
    prop = Property.objects.get(uprn=100021500002)
    upcoming = collections_between(
        list(CollectionSchedule.objects.filter(street_id=20750001)),
        dt.date(2026, 4, 1),
        dt.date(2026, 4, 30),
    )
    text = icalendar(prop, upcoming, council="Demo Borough Council")
    lines = text.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    assert text.count("BEGIN:VEVENT") == len(upcoming) == 8  # four Mondays, two bins each
    assert "DTSTART;VALUE=DATE:20260407" in text  # Easter Monday moved to Tuesday
    assert "Moved from Monday 6 April because of a bank holiday" in text.replace("\r\n ", "")
    assert all(len(line.encode()) <= 75 for line in lines)
    uids = [line for line in lines if line.startswith("UID:")]
    assert len(set(uids)) == len(uids)


@pytest.mark.django_db
def test_residents_find_their_bin_days_by_postcode(client, gazetteer):
    load(ROUNDS)
    page = client.get("/bin-days/", {"postcode": "ub8 1qa"}).content.decode()
    assert "Choose your address" in page
    assert 'href="/bin-days/100021500002/"' in page
    day = client.get("/bin-days/100021500002/")
    text = day.content.decode()
    assert "Your bin collection days" in text and "Food waste (green caddy)" in text
    today = timezone.localdate()
    next_monday = today + dt.timedelta(days=(7 - today.weekday()) % 7)
    assert next_monday.strftime("%A") in text
    assert not day.cookies  # looking up bin days sets no cookie
    calendar = client.get("/bin-days/100021500002/calendar.ics")
    assert calendar["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in calendar["Content-Disposition"]
    assert calendar.content.decode().count("BEGIN:VEVENT") > 100  # a year of Mondays


@pytest.mark.django_db
def test_bin_days_explain_problems_plainly(client, gazetteer):
    load(ROUNDS)
    page = client.get("/bin-days/", {"postcode": "nonsense"}).content.decode()
    assert "Enter a real postcode, like UB3 2ZX" in page and 'href="#postcode"' in page
    page = client.get("/bin-days/", {"postcode": "UB9 9ZZ"}).content.decode()
    assert "We cannot find any addresses at UB9 9ZZ" in page
    assert client.get("/bin-days/123/").status_code == 404
    # Mill Lane has no rounds: say so rather than show an empty list.
    page = client.get("/bin-days/100021500009/").content.decode()
    assert "We do not have collection days for this address" in page
    assert client.get("/bin-days/100021500009/calendar.ics").status_code == 404


@pytest.mark.django_db
def test_search_finds_bin_days(client, catalogue):
    page = client.get("/search/", {"q": "what day is my bin day"}).content.decode()
    first = page.find('<a class="govuk-link" href="/', page.find('id="main-content"'))
    assert page[first:].startswith('<a class="govuk-link" href="/bin-days/"')
