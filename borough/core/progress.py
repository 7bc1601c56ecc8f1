"""Progress bars for long commands: drawn on a terminal, and nowhere else.

``seed_demo``, the linkage engine's command line and ``insights_backfill`` run for a minute or
more on a large borough. On a terminal they draw a bar (tqdm) on standard error. In CI, in a log
file or under a test runner (standard error is not a terminal) they print nothing more than they
always did, so logs stay readable. ``BOROUGH_PROGRESS=1`` forces the bars on and
``BOROUGH_PROGRESS=0`` off; a command's ``--progress`` or ``--no-progress`` wins over both.

Pure Python with no Django import: the linkage engine uses it too (ADR 0027).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from types import TracebackType

from tqdm import tqdm

#: ``1`` (or yes, true, on) draws the bars even when standard error is not a terminal; ``0``
#: (or no, false, off) never draws them.
ENV_VAR = "BOROUGH_PROGRESS"
_ON = {"1", "yes", "true", "on"}
_OFF = {"0", "no", "false", "off"}


def progress_wanted(show: bool | None = None) -> bool:
    """Whether to draw bars: ``show`` if a flag said, else ``BOROUGH_PROGRESS`` if set, else
    whether standard error (where the bars go) is a terminal."""
    if show is not None:
        return show
    setting = os.environ.get(ENV_VAR, "").strip().lower()
    if setting in _ON:
        return True
    if setting in _OFF:
        return False
    isatty = getattr(sys.stderr, "isatty", None)
    return bool(isatty and isatty())


def progress_bar(
    description: str,
    *,
    total: int | None = None,
    unit: str = "it",
    show: bool | None = None,
    bar_format: str | None = None,
) -> tqdm:
    """A bar on standard error; when bars are not wanted, one that draws nothing (the same
    methods, so callers never ask)."""
    return tqdm(
        total=total,
        desc=description,
        unit=unit,
        bar_format=bar_format,
        disable=not progress_wanted(show),
        file=sys.stderr,
        dynamic_ncols=True,
        leave=False,
    )


def say(text: str, write: Callable[[str], object] = print) -> None:
    """Write a line of a command's output (``print`` or a management command's
    ``self.stdout.write``) without tearing a bar: the bars step aside and are drawn again."""
    with tqdm.external_write_mode():
        write(text)


#: Steps take as long as they take, so a bar of steps shows no rate and no time left.
STEPS_FORMAT = "{l_bar}{bar}| {n_fmt}/{total_fmt} [{elapsed}{postfix}]"


class Steps:
    """A bar over a command's steps: ``start(name)`` marks the step before done and shows the
    one now running. Use it as a context manager, or ``close()`` it."""

    def __init__(self, description: str, total: int, *, show: bool | None = None):
        self.bar = progress_bar(
            description, total=total, unit="step", show=show, bar_format=STEPS_FORMAT
        )
        self.started = 0

    def start(self, name: str) -> None:
        if self.started:
            self.bar.update(1)
        self.started += 1
        if self.started > (self.bar.total or 0):  # a step the count did not foresee
            self.bar.total = self.started
        self.bar.set_postfix_str(name)

    def close(self) -> None:
        self.bar.close()

    def __enter__(self) -> Steps:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
