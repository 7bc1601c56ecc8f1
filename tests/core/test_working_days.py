import datetime as dt

import pytest

from borough.core.working_days import add_working_days, is_working_day, working_days_between


def test_weekends_are_not_working_days():
    assert is_working_day(dt.date(2026, 11, 20))  # Friday
    assert not is_working_day(dt.date(2026, 11, 21))  # Saturday


def test_christmas_and_the_substitute_boxing_day_are_skipped():
    # 25 December 2026 is a Friday; Boxing Day falls on Saturday, so Monday 28th is the holiday.
    assert add_working_days(dt.date(2026, 12, 24), 1) == dt.date(2026, 12, 29)


def test_easter_monday_is_skipped():
    # Good Friday 2027 is 26 March and Easter Monday 29 March.
    assert add_working_days(dt.date(2027, 3, 25), 1) == dt.date(2027, 3, 30)


def test_working_days_between_counts_both_ways():
    start, end = dt.date(2026, 11, 16), dt.date(2026, 11, 23)
    assert working_days_between(start, end) == 5
    assert working_days_between(end, start) == -5


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(dt.date(2026, 1, 1), -1)
