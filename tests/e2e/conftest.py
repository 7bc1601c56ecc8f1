"""Browser tests: Playwright driving the system Chromium against a live Borough."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM is used alongside it
# by the fixtures only, never concurrently.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
AXE_SOURCE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "e2e" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("BOROUGH_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


class Visit:
    """A browser context that records console errors and can run axe-core on each page."""

    def __init__(self, browser, *, javascript: bool, width: int = 1280):
        self.context = browser.new_context(
            java_script_enabled=javascript, viewport={"width": width, "height": 900}
        )
        self.context.set_default_timeout(15000)
        self.page = self.context.new_page()
        self.console_errors: list[str] = []
        self.page.on(
            "console", lambda msg: msg.type == "error" and self.console_errors.append(msg.text)
        )
        self.checked: list[str] = []

    def axe(self, *, as_shown: bool = False) -> list[dict]:
        """Run axe-core's WCAG 2.2 AA rules on the current page; return the violations.

        ``as_shown=True`` checks the page as it is shown now (say, the error summary after a
        form was posted) instead of loading its address again by GET."""
        # A separate context with JavaScript on and CSP bypassed, so axe can be injected even
        # when the page under test has JavaScript off; it loads the same URL with the same
        # cookies, so it sees the same page.
        state = self.context.storage_state()
        checker = self.context.browser.new_context(
            bypass_csp=True, storage_state=state, viewport=self.page.viewport_size
        )
        try:
            page = checker.new_page()
            if as_shown:
                html = self.page.content()
                page.route(
                    self.page.url,
                    lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"),
                )
            page.goto(self.page.url)
            page.add_script_tag(path=str(AXE_SOURCE))
            result = page.evaluate(
                "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
            )
        finally:
            checker.close()
        self.checked.append(self.page.url)
        return [
            {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]
        ]

    def assert_accessible(self):
        violations = self.axe()
        assert violations == [], f"{self.page.url}: {json.dumps(violations, indent=1)}"

    def sign_in(self, live_server, user) -> None:
        """Start this browser signed in as ``user`` (made by Django's test client, so the
        sign-in pages themselves are tested once, in their own tests). Staff are signed in as
        after their password and authenticator app code (tests.signing_in.staff_login)."""
        from django.conf import settings
        from django.test import Client

        from tests.signing_in import staff_login

        client = Client()
        if user.is_council_staff:
            staff_login(client, user)
        else:
            client.force_login(user)
        name = settings.SESSION_COOKIE_NAME
        self.context.add_cookies(
            [{"name": name, "value": client.cookies[name].value, "url": live_server.url}]
        )

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser):
    opened: list[Visit] = []

    def open_visit(*, javascript: bool = True, width: int = 1280) -> Visit:
        item = Visit(browser, javascript=javascript, width=width)
        opened.append(item)
        return item

    yield open_visit
    for item in opened:
        item.close()
