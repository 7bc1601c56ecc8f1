"""What the processes measure: per process, started, finished with no person, with a person,
failed and the median time to finish; the staff minutes automated steps saved, counted into
insights' daily counts and shown as business support spend saved."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from borough.core.actors import SystemActor
from borough.insights.formulas import figures
from borough.insights.models import DailyCount, Kpi
from borough.insights.selectors import period_totals
from borough.insights.services import counts_rebuild
from borough.processes import registry, selectors
from borough.processes.services import start_process

SYSTEM = SystemActor("test")


@pytest.mark.django_db
def test_each_process_is_measured_and_saved_minutes_feed_insights(
    processes, make_case, monkeypatch
):
    start_process(key="missed-bin", case=make_case(), actor=SYSTEM)  # no round: return booked
    start_process(key="missed-bin", case=make_case(), actor=SYSTEM)

    def down(step, params):
        raise registry.ServiceUnavailable("down")

    monkeypatch.setitem(registry._SERVICES, "bins.check_round", (down, ""))
    start_process(key="missed-bin", case=make_case(), actor=SYSTEM)

    row = next(s for s in selectors.summaries() if s.key == "missed-bin")
    assert (row.started, row.finished_alone, row.finished_with_person, row.failed) == (3, 2, 0, 1)
    assert row.median_minutes is not None and row.median_minutes < 1
    assert row.minutes_saved == 12  # 3 + 3 for each finished report

    today = timezone.localdate()
    counts_rebuild(start=today, end=today)
    saved = DailyCount.objects.filter(kpi=Kpi.AUTOMATED_MINUTES, day=today)
    assert sum(saved.values_list("value", flat=True)) == 12
    shown = figures(period_totals(today, today), hourly=Decimal("30"))
    assert shown.automated_minutes == 12 and shown.business_support_saved == Decimal("6")
