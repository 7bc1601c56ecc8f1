"""Counting clicks on a journey (issue 17, acceptance): every link followed or button pressed,
by mouse or by Enter on the keyboard, goes through a ``Clicks`` so the test can say how many
the journey took and compare that with the GOV.UK pattern's minimum.

What counts as a click: following a link or pressing a button (Continue, Search, Start now,
Accept and send). Typing an answer or choosing a radio button or checkbox is answering the
question, not a click, in both Borough's count and the pattern's minimum (docs/benchmarks.md).

Set BOROUGH_SCREENSHOTS to a folder to keep a full-page screenshot of each key page."""

from __future__ import annotations

import os
from pathlib import Path

# At most this many clicks over the GOV.UK pattern's minimum (docs/benchmarks.md).
ALLOWED_OVER = 2
OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"


def journey_widths(width: int) -> list[int]:
    """The widths a journey is walked at: its own (a phone or a desktop), and both when
    screenshots are kept, so each journey can be looked at as on a phone and on a desktop."""
    return [375, 1280] if os.environ.get("BOROUGH_SCREENSHOTS") else [width]


class Clicks:
    def __init__(self, page, journey: str) -> None:
        self.page = page
        self.journey = journey
        self.count = 0
        self.steps: list[str] = []

    def click(self, locator) -> None:
        """Click a link or button, as a resident with a mouse or a finger would."""
        self._record(locator)
        locator.click()

    def enter(self, locator) -> None:
        """Move to a link or button and press Enter, as a keyboard user would."""
        self._record(locator)
        locator.focus()
        locator.press("Enter")

    def email_link(self, url: str) -> None:
        """Follow a link in an email the resident was sent (one click, in their email)."""
        self.count += 1
        self.steps.append("link in the email")
        self.page.goto(url)

    def link(self, name: str, *, exact: bool = False) -> None:
        self.click(self.page.get_by_role("link", name=name, exact=exact).first)

    def button(self, name: str, *, exact: bool = False) -> None:
        self.click(self.page.get_by_role("button", name=name, exact=exact))

    def _record(self, locator) -> None:
        role = locator.evaluate("e => e.tagName.toLowerCase()")
        assert role in {"a", "button", "input", "summary"}, (
            f"{self.journey}: a click on a <{role}>, not a link or button"
        )
        self.count += 1
        self.steps.append(" ".join(locator.inner_text().split()) or locator.get_attribute("value"))

    def assert_at_most(self, minimum: int) -> None:
        """The journey took no more than ``minimum`` + ALLOWED_OVER clicks."""
        assert self.count <= minimum + ALLOWED_OVER, (
            f"{self.journey}: {self.count} clicks, the pattern's minimum is {minimum}: {self.steps}"
        )

    def look(self, name: str) -> None:
        """Nothing scrolls sideways on a phone; keep a screenshot when asked to."""
        width = self.page.viewport_size["width"]
        if width < 400:
            assert self.page.evaluate(OVERFLOW), f"{name} overflows sideways at {width}px"
        folder = os.environ.get("BOROUGH_SCREENSHOTS")
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=f"{folder}/{self.journey}-{name}-{width}.png", full_page=True)
