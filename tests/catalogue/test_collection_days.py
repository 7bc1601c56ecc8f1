"""A missed collection is accepted only for a day that bin was collected at that address, and
the resident is told when the next collection is (issue 17, point 4)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone

from borough.cases.create import case_create
from borough.cases.errors import CaseInvalid
from borough.cases.models import Case
from borough.core.actors import ResidentActor
from borough.core.channels import Channel
from borough.places.collections import collections_between
from borough.places.importer import import_collection_rounds
from borough.places.models import CollectionSchedule
from tests.portal.test_missed_bin_journey import START, Q, choose_address, start

ROUNDS = """USRN,STREAM,WEEKDAY,EVERY_WEEKS,FIRST_DATE
20750001,general,Monday,2,2026-03-02
20750001,recycling,Monday,2,2026-03-09
20750001,food,Monday,1,2026-03-02
"""


def _days(stream: str, start: dt.date, end: dt.date) -> list[dt.date]:
    schedules = list(CollectionSchedule.objects.filter(street_id=20750001, stream=stream))
    return [c.day for c in collections_between(schedules, start, end)]


def _post_date(client, day: dt.date):
    return client.post(
        Q + "collection_date/",
        {
            "collection_date-day": day.day,
            "collection_date-month": day.month,
            "collection_date-year": day.year,
        },
    )


@pytest.fixture
def rounds(gazetteer):
    import_collection_rounds(io.StringIO(ROUNDS))


@pytest.mark.django_db
def test_a_day_without_that_collection_is_refused_with_the_next_one(client, missed_bin, rounds):
    today = timezone.localdate()
    week = [today - dt.timedelta(days=n) for n in range(7)]
    recycling_days = set(_days("recycling", week[-1], today))
    not_a_recycling_day = next(day for day in week if day not in recycling_days)
    start(client)
    choose_address(client)
    client.post(Q + "bin_type/", {"bin_type": "recycling"})
    client.post(Q + "bin_out/", {"bin_out": "yes"})
    page = _post_date(client, not_a_recycling_day).content.decode()
    assert "There was no recycling (blue bin) collection at this address on" in page
    upcoming = _days("recycling", today + dt.timedelta(days=1), today + dt.timedelta(days=35))
    assert f"The next one is on {upcoming[0]:%A} {upcoming[0].day} {upcoming[0]:%B}" in page
    # The food caddy is collected every week: its day in the last week is accepted.
    client.get(Q + "bin_type/?change=1")
    client.post(Q + "bin_type/", {"bin_type": "food_waste"})
    food_day = _days("food", week[-1], today)[-1]
    response = _post_date(client, food_day)
    assert response.status_code == 302
    client.post(Q + "details/", {"details": ""})
    assert client.post(START + "check-answers/")["Location"] == START + "confirmation/"
    assert Case.objects.get().answers["collection_date"] == food_day.isoformat()


@pytest.mark.django_db
def test_every_channel_refuses_a_collection_that_was_not_due(missed_bin, rounds):
    today = timezone.localdate()
    week = [today - dt.timedelta(days=n) for n in range(7)]
    food_days = set(_days("food", week[-1], today))
    wrong = next(day for day in week if day not in food_days)
    answers = {
        "address": 100021500002,
        "bin_type": "food_waste",
        "bin_out": "yes",
        "collection_date": wrong.isoformat(),
    }
    with pytest.raises(CaseInvalid) as refused:
        case_create(
            actor=ResidentActor(), service=missed_bin, channel=Channel.PHONE, answers=answers
        )
    assert (
        "There was no food waste (green caddy) collection"
        in refused.value.errors["collection_date"]
    )
    assert not Case.objects.exists()
