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


RUN_AXE = "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"


def _violations(result: dict) -> list[dict]:
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


class Visit:
    """A browser context that records console errors and can run axe-core on each page."""

    def __init__(self, browser, *, javascript: bool, width: int = 1280, csp_for_axe: bool = False):
        # ``csp_for_axe``: with JavaScript on, turn the pages' Content Security Policy off in
        # this browser so axe can be injected into the page as shown, instead of loading it
        # again in a second browser (half the page loads of an accessibility walk). Only for
        # tests that do not look at what the policy blocks.
        self.inline_axe = javascript and csp_for_axe
        self.context = browser.new_context(
            java_script_enabled=javascript,
            viewport={"width": width, "height": 900},
            bypass_csp=self.inline_axe,
        )
        self.context.set_default_timeout(15000)
        self.page = self.context.new_page()
        self.console_errors: list[str] = []
        self.page.on(
            "console", lambda msg: msg.type == "error" and self.console_errors.append(msg.text)
        )
        self.checked: list[str] = []
        self._checker_tab = None
        self._shown_html = ""

    def axe(self) -> list[dict]:
        """Run axe-core's WCAG 2.2 AA rules on the page as it is shown now (say, the error
        summary after a form was posted); return the violations."""
        # A click that submits a form returns once the next page has started to load; its
        # document may still be empty. Check the page only when it has loaded.
        self.page.wait_for_load_state("load")
        if self.inline_axe:
            self.page.add_script_tag(path=str(AXE_SOURCE))
            result = self.page.evaluate(RUN_AXE, WCAG_TAGS)
        else:
            # A second browser context, with JavaScript on and CSP bypassed so axe can be
            # injected even when the page under test has JavaScript off, shows this page's
            # HTML at the same address and width (its styles and scripts load as usual).
            self._shown_html = self.page.content()
            checker = self._checker_page()
            checker.goto(self.page.url)
            checker.add_script_tag(path=str(AXE_SOURCE))
            result = checker.evaluate(RUN_AXE, WCAG_TAGS)
        self.checked.append(self.page.url)
        return _violations(result)

    def _checker_page(self):
        if self._checker_tab is None:
            checker = self.context.browser.new_context(
                bypass_csp=True, viewport=self.page.viewport_size
            )
            self._checker_tab = checker.new_page()
            self._checker_tab.route("**/*", self._serve_shown_html)
        return self._checker_tab

    def _serve_shown_html(self, route) -> None:
        if route.request.resource_type == "document":
            route.fulfill(body=self._shown_html, content_type="text/html; charset=utf-8")
        else:
            route.continue_()

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
        if self._checker_tab is not None:
            self._checker_tab.context.close()
        self.context.close()


@pytest.fixture
def visit(browser):
    opened: list[Visit] = []

    def open_visit(*, javascript: bool = True, width: int = 1280, csp_for_axe=False) -> Visit:
        item = Visit(browser, javascript=javascript, width=width, csp_for_axe=csp_for_axe)
        opened.append(item)
        return item

    yield open_visit
    for item in opened:
        item.close()
