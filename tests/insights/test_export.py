"""An analyst opens the exported Parquet files and DuckDB file and gets the dashboards' numbers."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from borough.cases.models import Case, CaseEvent
from borough.contacts.models import Contact, Feedback, FormSession
from borough.insights.models import DailyCount, Kpi
from borough.insights.services import counts_rebuild

pytestmark = pytest.mark.django_db

PERSONAL = ("email", "name", "phone", "reason", "comment", "text", "answers", "note", "resident",
            "latitude", "longitude", "location", "address", "actor", "assignee", "handled_by_id",
            "user")  # fmt: skip


def _count_table(kpi, week) -> int:
    return (
        DailyCount.objects.filter(kpi=kpi, day__gte=week.first, day__lte=week.last).aggregate(
            v=Sum("value")
        )["v"]
        or 0
    )


def test_the_export_holds_every_row_and_the_kpis_match_the_count_tables(week, tmp_path, capsys):
    counts_rebuild(start=week.first - dt.timedelta(days=30), end=week.last + dt.timedelta(days=2))
    out = tmp_path / "export"
    call_command("insights_export", "--out", str(out))
    assert "contact_events.parquet: 13 rows" in capsys.readouterr().out
    for name, model_rows in {
        "contact_events": Contact.objects.count(),
        "form_sessions": FormSession.objects.count(),
        "feedback": Feedback.objects.count(),
        "cases": Case.objects.count(),
        "staff_time": CaseEvent.objects.filter(kind="time_recorded").count(),
        "daily_counts": DailyCount.objects.count(),
    }.items():
        path = str(out / f"{name}.parquet")
        parquet = duckdb.execute("SELECT count(*) FROM read_parquet(?)", [path]).fetchone()[0]
        assert parquet == model_rows, name

    con = duckdb.connect(str(out / "borough.duckdb"), read_only=True)
    tables = {row[0] for row in con.execute("SHOW TABLES").fetchall()}
    assert {"contact_events", "cases", "daily_counts", "kpi_by_month"} <= tables
    columns = [
        row[0].lower()
        for row in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'main'"
        ).fetchall()
    ]
    assert not [c for c in columns if any(word in c for word in PERSONAL)]

    first, last = week.first.isoformat(), week.last.isoformat()
    contacts = con.execute(
        "SELECT count(*) FROM contact_events WHERE direction = 'inbound' AND day BETWEEN ? AND ?",
        [first, last],
    ).fetchone()[0]
    assert contacts == _count_table(Kpi.CONTACTS, week) == 11
    completed, started = con.execute(
        "SELECT count(*) FILTER (WHERE outcome IN ('submitted', 'not_eligible') "
        "AND completed_day BETWEEN ?::DATE AND ?::DATE), "
        "count(*) FILTER (WHERE day BETWEEN ?::DATE AND ?::DATE) FROM form_sessions",
        [first, last, first, last],
    ).fetchone()
    assert completed == _count_table(Kpi.FORMS_SUBMITTED, week) + _count_table(
        Kpi.FORMS_NOT_ELIGIBLE, week
    )
    assert started == _count_table(Kpi.FORMS_STARTED, week) == 6
    minutes = con.execute(
        "SELECT sum(minutes) FROM staff_time WHERE day BETWEEN ? AND ?", [first, last]
    ).fetchone()[0]
    assert minutes == _count_table(Kpi.STAFF_MINUTES, week) == 95
    by_channel = dict(
        con.execute(
            "SELECT channel, sum(contacts) FROM contacts_by_channel_and_day "
            "WHERE day BETWEEN ? AND ? GROUP BY channel",
            [first, last],
        ).fetchall()
    )
    assert by_channel == week.expected["contacts_by_channel"]
    month_total = con.execute(
        "SELECT sum(value) FROM kpi_by_month WHERE kpi = 'contacts'"
    ).fetchone()[0]
    assert month_total == 12  # the week and the contact 10 days before it
    con.close()


def test_the_export_keeps_a_date_range_and_can_be_run_again(week, tmp_path):
    counts_rebuild(start=week.first, end=week.last)
    out = tmp_path / "export"
    for _ in range(2):  # a rerun replaces the files
        call_command(
            "insights_export", "--out", str(out), "--from", week.first.isoformat(),
            "--to", week.first.isoformat(),
        )  # fmt: skip
    con = duckdb.connect(str(out / "borough.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM contact_events").fetchone()[0] == 4  # the first day
    assert con.execute("SELECT min(day) = max(day) FROM daily_counts").fetchone()[0] is True
    assert not [p for p in out.iterdir() if p.suffix == ".csv" or p.is_dir()]


def test_the_export_refuses_bad_dates(db, tmp_path):
    with pytest.raises(CommandError, match="not a date"):
        call_command("insights_export", "--out", str(tmp_path), "--from", "yesterday")
    with pytest.raises(CommandError, match="same day as --from or later"):
        call_command(
            "insights_export", "--out", str(tmp_path), "--from", "2026-02-02", "--to", "2026-02-01"
        )
    assert not list(tmp_path.iterdir())
