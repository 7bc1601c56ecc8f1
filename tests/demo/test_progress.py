"""seed_demo (and the insights_backfill it runs) draw progress bars on a terminal and nowhere
else: off a terminal they print what they always printed; forced, the bars go to standard error."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from borough.core.progress import ENV_VAR

# tqdm draws a bar as "<description>: <percent>%|<bar>| <done>/<total> ..."
BAR = "%|"


@pytest.fixture(autouse=True)
def no_setting(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)


@pytest.mark.django_db(transaction=True)
def test_off_a_terminal_seed_demo_prints_no_progress(capsys):
    call_command("seed_demo", residents=30, seed=4)

    captured = capsys.readouterr()
    assert "Demo borough made" in captured.out and "30 residents in" in captured.out
    assert BAR not in captured.err
    assert "demo borough" not in captured.err and "KPI counts" not in captured.err


@pytest.mark.django_db(transaction=True)
def test_a_forced_seed_demo_draws_its_steps_and_the_backfill(capsys):
    call_command("seed_demo", residents=30, seed=4, progress=True)

    captured = capsys.readouterr()
    assert "Demo borough made" in captured.out and "30 residents in" in captured.out
    assert BAR in captured.err
    for step in ("demo borough", "places", "a year of activity", "KPI counts"):
        assert step in captured.err, step


@pytest.mark.django_db
def test_the_backfill_alone_draws_a_bar_only_when_forced(capsys, monkeypatch):
    call_command("insights_backfill", "--from", "2026-01-01", "--to", "2026-03-31")
    captured = capsys.readouterr()
    assert captured.out == "Counted 90 days: 0 rows.\n"
    assert BAR not in captured.err

    monkeypatch.setenv(ENV_VAR, "1")
    call_command("insights_backfill", "--from", "2026-01-01", "--to", "2026-03-31")
    captured = capsys.readouterr()
    assert captured.out == "Counted 90 days: 0 rows.\n"
    assert "KPI counts" in captured.err and "/90" in captured.err
