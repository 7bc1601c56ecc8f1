"""The count tables hold exactly the KPIs worked out by hand, however they are rebuilt."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.utils import timezone

from borough.contacts.models import Contact
from borough.core.channels import Channel
from borough.insights import formulas, selectors
from borough.insights.models import CountedDay, DailyCount, Kpi
from borough.insights.services import counts_rebuild
from borough.insights.tasks import counts_refresh

pytestmark = pytest.mark.django_db


def _total(kpi, **filters) -> int:
    return DailyCount.objects.filter(kpi=kpi, **filters).aggregate(v=Sum("value"))["v"] or 0


def _snapshot(week=None):
    rows = DailyCount.objects.all()
    if week is not None:
        rows = rows.filter(day__gte=week.first, day__lte=week.last)
    rows = rows.values_list("day", "kpi", "service_id", "channel", "team_id", "value")
    return sorted(rows, key=lambda row: tuple("" if v is None else str(v) for v in row))


def test_every_count_matches_the_hand_worked_figures(week):
    counts_rebuild(start=week.first, end=week.last)
    want = week.expected
    for kpi in (
        Kpi.CONTACTS, Kpi.CONTACTS_SELF_SERVICE, Kpi.CONTACTS_TIMED, Kpi.CONTACT_SECONDS,
        Kpi.CONTACTS_WITH_CASE, Kpi.REPEAT_CONTACTS, Kpi.LETTERS_SENT, Kpi.FORMS_STARTED,
        Kpi.FORMS_SUBMITTED, Kpi.FORMS_NOT_ELIGIBLE, Kpi.CASES_OPENED, Kpi.CASES_CLOSED,
        Kpi.STAFF_MINUTES, Kpi.RESIDENTS_REGISTERED, Kpi.RESIDENTS_SIGNED_IN,
    ):  # fmt: skip
        assert _total(kpi) == want[kpi.value], kpi
    assert _total(Kpi.CASE_CLOSE_SECONDS) == round(week.close_seconds)
    for channel, n in want["contacts_by_channel"].items():
        assert _total(Kpi.CONTACTS, channel=channel) == n, channel
    assert [_total(k) for k in formulas.FEEDBACK] == want["feedback"]
    for slug, minutes in want["staff_minutes_by_service"].items():
        assert _total(Kpi.STAFF_MINUTES, service__slug=slug) == minutes, slug
    assert _total(Kpi.STAFF_MINUTES, team__slug="waste") == 75
    assert _total(Kpi.RESIDENTS_SIGNED_IN, day=week.first) == 2
    assert not DailyCount.objects.filter(day=week.empty_day).exists()
    assert CountedDay.objects.filter(day__gte=week.first, day__lte=week.last).count() == 7


def test_kpis_worked_out_from_the_counts_match_the_hand_worked_figures(week):
    counts_rebuild(start=week.first, end=week.last)
    f = formulas.figures(selectors.period_totals(week.first, week.last))
    want = week.expected
    assert f.contacts == 11
    assert f.self_service_share == Decimal(4) / 11
    assert f.digital_take_up == Decimal(3) / 4
    assert f.completion_rate == Decimal(5) / 6
    assert f.satisfaction == Decimal(3) / 6
    assert f.feedback_counts == [1, 1, 1, 1, 2]
    assert f.spend.amount == want["spend"] == Decimal("20.54")
    assert f.spend.channels_without_cost == ["chat", "email"]
    assert f.cost_per_transaction == Decimal("20.54") / 4
    assert f.repeat_contact_rate == Decimal(4) / 9
    assert f.letters == 1
    assert f.print_postage is None  # no letter cost set by default
    assert f.requests_raised == 4 and f.requests_closed == 3
    assert f.average_days_to_close == Decimal(round(week.close_seconds)) / 86400 / 3
    assert f.average_contact_minutes == Decimal(1260) / 60 / 5
    assert f.staff_minutes == 95
    assert f.business_support_spend is None  # no staff cost set by default
    assert f.registrations == 3
    assert f.signed_in_a_day is None  # no period length given


def test_spend_on_business_support_print_and_postage_and_sign_ins_per_day(week, settings):
    settings.BOROUGH_STAFF_COST_PER_HOUR = "30.00"
    settings.BOROUGH_LETTER_COST = "0.85"
    counts_rebuild(start=week.first, end=week.last)
    f = formulas.figures(selectors.period_totals(week.first, week.last), days=7)
    assert f.business_support_spend == Decimal("47.50")  # 95 minutes at £30 an hour
    assert f.print_postage == Decimal("0.85")  # one letter
    assert f.signed_in_a_day == Decimal(4) / 7
    settings.BOROUGH_STAFF_COST_PER_HOUR = "thirty"
    totals = selectors.period_totals(week.first, week.last)
    assert formulas.figures(totals).business_support_spend is None


def test_a_range_rebuilt_at_once_equals_day_by_day_counting(week):
    for n in range(7):
        day = week.first + dt.timedelta(days=n)
        counts_rebuild(start=day, end=day)
    day_by_day = _snapshot()
    counts_rebuild(start=week.first, end=week.last)
    assert _snapshot() == day_by_day
    assert day_by_day  # not vacuous


def test_overlapping_backfills_and_reruns_give_identical_numbers(week):
    counts_rebuild(start=week.first, end=week.last)
    once = _snapshot(week)
    middle = week.first + dt.timedelta(days=3)
    counts_rebuild(start=week.first - dt.timedelta(days=2), end=middle)
    counts_rebuild(start=middle - dt.timedelta(days=1), end=week.last + dt.timedelta(days=2))
    assert _snapshot(week) == once
    widest = _snapshot()
    counts_rebuild(start=week.first, end=week.last)
    assert _snapshot(week) == once
    assert _snapshot() == widest  # the days around the week kept their counts


def test_the_backfill_command_counts_a_range_in_chunks_and_can_be_rerun(week, capsys):
    start = (week.first - dt.timedelta(days=40)).isoformat()
    call_command("insights_backfill", "--from", start, "--to", week.last.isoformat())
    first_run = _snapshot()
    assert "Counted 47 days" in capsys.readouterr().out
    call_command("insights_backfill", "--from", start, "--to", week.last.isoformat())
    assert _snapshot() == first_run
    assert _total(Kpi.CONTACTS) == 12  # the contact 10 days before the week is in range now


def test_the_backfill_command_refuses_bad_dates(db):
    with pytest.raises(CommandError, match="not a date"):
        call_command("insights_backfill", "--from", "31/01/2026", "--to", "2026-02-01")
    with pytest.raises(CommandError, match="same day as --from or later"):
        call_command("insights_backfill", "--from", "2026-02-02", "--to", "2026-02-01")
    assert not DailyCount.objects.exists()


def test_a_rebuild_picks_up_events_recorded_late_and_replaces_old_rows(week):
    counts_rebuild(start=week.first, end=week.last)
    Contact.objects.create(
        channel=Channel.PHONE,
        started_at=timezone.make_aware(dt.datetime.combine(week.empty_day, dt.time(12))),
    )
    counts_rebuild(start=week.empty_day, end=week.empty_day)
    assert _total(Kpi.CONTACTS) == 12
    assert _total(Kpi.CONTACTS, day=week.empty_day) == 1


def test_days_are_local_days_so_late_evening_summer_contacts_count_the_next_day(db):
    # 23:30 UTC on 10 June is 00:30 on 11 June in London (British Summer Time).
    Contact.objects.create(
        channel=Channel.WEB, started_at=dt.datetime(2026, 6, 10, 23, 30, tzinfo=dt.UTC)
    )
    counts_rebuild(start=dt.date(2026, 6, 10), end=dt.date(2026, 6, 11))
    assert list(DailyCount.objects.filter(kpi=Kpi.CONTACTS).values_list("day", "value")) == [
        (dt.date(2026, 6, 11), 1)
    ]


def test_the_periodic_task_rebuilds_yesterday_and_today(db):
    now = timezone.localtime()
    Contact.objects.create(channel=Channel.WEB, started_at=now - dt.timedelta(minutes=1))
    counts_refresh.call_local()
    today = timezone.localdate()
    assert set(CountedDay.objects.values_list("day", flat=True)) == {
        today - dt.timedelta(days=1),
        today,
    }
    assert _total(Kpi.CONTACTS) == 1


def test_a_rebuild_refuses_a_range_that_ends_before_it_starts(db):
    with pytest.raises(ValueError):
        counts_rebuild(start=dt.date(2026, 2, 2), end=dt.date(2026, 2, 1))


def test_counting_a_range_takes_the_same_number_of_queries_whatever_its_size(
    week, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one_day:
        counts_rebuild(start=week.first, end=week.first)
    with CaptureQueriesContext(connection) as year:
        counts_rebuild(start=week.last - dt.timedelta(days=365), end=week.last)
    # 18 before payments (issue 20), which add three: payments taken or failed, refunds, and
    # requests for paid services; digital inclusion (issue 26) adds four: devices lent and
    # returned, skills sessions booked and attended, surveys (one more read on PostgreSQL).
    assert len(year) == len(one_day) <= 26
