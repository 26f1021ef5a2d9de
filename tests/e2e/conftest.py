"""End-to-end tests in Debian's Chromium, driven by Playwright, against pytest-django's live
server and the shipped content.

One browser serves every test here; each test opens its own contexts (cookies, colour scheme,
viewport, JavaScript on or off) through ``open_tab``, and every tab fails its test on a console
error or a Content-Security-Policy violation.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from .support import CHROMIUM, CHROMIUM_ARGS, CONTENT, require_chromium

# Injected by Playwright before any page script (so the page's CSP does not apply to it):
# records every CSP violation the page causes.
CSP_RECORDER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} ` +
    `at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


@pytest.fixture(autouse=True)
def real_content(settings):
    settings.CONTENT_DIR = CONTENT


@pytest.fixture(scope="package")
def browser() -> Iterator:
    """One Chromium for every end-to-end test of the run.

    Playwright's sync API keeps an event loop running in the test thread while it is open, so
    Django would refuse the ORM calls the tests make between browser steps (they are still
    synchronous and safe): DJANGO_ALLOW_ASYNC_UNSAFE allows them. Both last only as long as
    this package's tests, so that the rest of the suite runs (and `check --deploy` reports)
    as usual.
    """
    require_chromium()
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class Tab:
    """One browser context with one page, watched for console errors and CSP violations."""

    def __init__(self, browser, base_url: str, *, javascript: bool = True, **options):
        self.javascript = javascript
        self.base_url = base_url
        self.context = browser.new_context(
            base_url=base_url, java_script_enabled=javascript, **options
        )
        self.context.set_default_timeout(10_000)
        self.context.add_init_script(CSP_RECORDER)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.expected: list[str] = []  # substrings of console errors a test provokes on purpose
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))

    def _console(self, message) -> None:
        if message.type == "error":
            self.errors.append(f"{message.text} ({self.page.url})")

    def expect_error_status(self, status: int) -> None:
        """The next loads answer ``status`` on purpose; Chromium logs that as an error."""
        self.expected.append(f"the server responded with a status of {status}")

    def go(self, path: str, status: int = 200):
        response = self.page.goto(path)
        assert response is not None and response.status == status, (path, response.status)
        self.check()
        return response

    def csp_violations(self) -> list[str]:
        if not self.javascript:  # init scripts do not run; Chromium still logs to the console
            return []
        return self.page.evaluate("window.__cspViolations || []")

    def check(self) -> None:
        violations = self.csp_violations()
        assert violations == [], f"CSP violations on {self.page.url}: {violations}"
        unexpected = [e for e in self.errors if not any(x in e for x in self.expected)]
        assert unexpected == [], "console errors:\n" + "\n".join(unexpected)

    def login(self, client, user) -> None:
        """Sign the browser in as ``user`` (a session made by the test client)."""
        client.force_login(user)
        self.context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "url": self.base_url,
                }
            ]
        )


@pytest.fixture
def open_tab(browser, live_server) -> Iterator:
    """Open a watched tab: ``open_tab(javascript=False, color_scheme="dark", viewport=...)``."""
    tabs: list[Tab] = []

    def open_(**options) -> Tab:
        tab = Tab(browser, live_server.url, **options)
        tabs.append(tab)
        return tab

    yield open_
    try:
        for tab in tabs:
            if not tab.page.is_closed():
                tab.check()
    finally:
        for tab in tabs:
            tab.context.close()
