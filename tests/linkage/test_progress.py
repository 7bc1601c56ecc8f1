"""The engine's command line draws progress bars on a terminal and nowhere else: off a terminal
(CI, logs, tests) it prints what it always printed and nothing more; forced, it draws them on
standard error and prints the same lines on standard output."""

from __future__ import annotations

import pytest

from borough.core.progress import ENV_VAR
from borough.linkage.cli import main

# tqdm draws a bar as "<description>: <percent>%|<bar>| <done>/<total> ..."
BAR = "%|"


@pytest.fixture(autouse=True)
def no_setting(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)


def _prepare(tmp_path, *flags: str) -> list[str]:
    """generate, ingest and standardise a small extract; returns the commands' output lines."""
    out = tmp_path / "extracts"
    db = str(tmp_path / "people.duckdb")
    assert main(["generate", "--people", "60", "--sources", "3", "--out", str(out), *flags]) == 0
    mappings = sorted(str(path) for path in out.glob("*.yaml"))
    assert main(["ingest", *mappings, "--db", db, *flags]) == 0
    assert main(["standardise", "--db", db, *flags]) == 0
    return [str(out), db]


def test_off_a_terminal_no_progress_is_printed(tmp_path, capsys):
    _prepare(tmp_path)

    captured = capsys.readouterr()
    assert captured.err == ""
    assert "standardised" in captured.out and "loaded" in captured.out


def test_a_forced_run_draws_each_step_and_prints_the_same_lines(tmp_path, capsys):
    _prepare(tmp_path / "quiet", "--no-progress")
    quiet = capsys.readouterr()
    _prepare(tmp_path / "forced", "--progress")
    forced = capsys.readouterr()

    assert quiet.err == ""
    assert forced.out.replace(str(tmp_path / "forced"), str(tmp_path / "quiet")) == quiet.out
    assert BAR in forced.err
    for step in (
        "generate",
        "making the population",
        "writing council_tax",
        "ingest",
        "reading housing",
        "writing the records table",
        "standardise",
        "standardising address",
        "writing the clean table",
    ):
        assert step in forced.err, step


def test_the_setting_forces_bars_on_or_off_and_a_flag_wins(tmp_path, capsys, monkeypatch):
    command = ["generate", "--people", "20", "--sources", "1", "--out", str(tmp_path)]
    monkeypatch.setenv(ENV_VAR, "1")
    main(command)
    assert BAR in capsys.readouterr().err
    main([*command, "--no-progress"])
    assert capsys.readouterr().err == ""

    monkeypatch.setenv(ENV_VAR, "0")
    main(command)
    assert capsys.readouterr().err == ""
    main([*command, "--progress"])
    assert BAR in capsys.readouterr().err


def test_linking_draws_its_steps(tmp_path, capsys):
    run = ["run", "--people", "200", "--sources", "3", "--out", str(tmp_path / "run")]
    assert main([*run, "--models-dir", str(tmp_path / "models"), "--progress"]) == 0

    captured = capsys.readouterr()
    assert "threshold chosen from the data: 0." in captured.out
    for step in (
        "link",
        "counting blocked pairs",
        "training the model",
        "predicting on DuckDB",
        "clustering",
        "assigning person ids",
        "grouping households",
        "choosing golden records",
        "listing pairs to review",
    ):
        assert step in captured.err, step
