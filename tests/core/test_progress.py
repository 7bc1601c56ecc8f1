"""When long commands draw progress bars: on a terminal, unless told otherwise."""

from __future__ import annotations

import io
import sys

import pytest

from borough.core.progress import ENV_VAR, Steps, progress_wanted, say


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def no_setting(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)


def test_bars_are_drawn_on_a_terminal_and_not_elsewhere(monkeypatch):
    monkeypatch.setattr(sys, "stderr", Terminal())
    assert progress_wanted() is True
    monkeypatch.setattr(sys, "stderr", io.StringIO())  # a log file, a pipe in CI
    assert progress_wanted() is False


@pytest.mark.parametrize(
    ("setting", "terminal", "wanted"),
    [("1", False, True), ("yes", False, True), ("0", True, False), ("off", True, False)],
)
def test_the_setting_decides_over_the_terminal(monkeypatch, setting, terminal, wanted):
    monkeypatch.setattr(sys, "stderr", Terminal() if terminal else io.StringIO())
    monkeypatch.setenv(ENV_VAR, setting)
    assert progress_wanted() is wanted


def test_a_flag_decides_over_the_setting_and_the_terminal(monkeypatch):
    monkeypatch.setattr(sys, "stderr", Terminal())
    monkeypatch.setenv(ENV_VAR, "1")
    assert progress_wanted(False) is False
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    monkeypatch.setenv(ENV_VAR, "0")
    assert progress_wanted(True) is True


def test_steps_show_the_step_running_and_lines_are_written_whole(capsys):
    with Steps("work", 2, show=True) as steps:
        steps.start("first part")
        say("a line of output")
        steps.start("second part")
        steps.start("a part nobody counted")
    captured = capsys.readouterr()
    assert captured.out == "a line of output\n"
    assert "work" in captured.err and "first part" in captured.err
    assert "a part nobody counted" in captured.err

    with Steps("work", 2, show=False) as steps:
        steps.start("first part")
        say("a line of output")
    assert capsys.readouterr() == ("a line of output\n", "")
