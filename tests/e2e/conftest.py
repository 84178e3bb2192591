"""Browser fixtures: Playwright driving Debian's Chromium against pytest-django's live server.

Playwright's own browser download is blocked here, so the tests launch the system
``/usr/bin/chromium`` (``apt-get install chromium``; ``.ci/run`` installs it). Without it
browser tests skip on a laptop and fail in CI (``settings.REQUIRE_SERVICES``).

Use them like this::

    @pytest.mark.browser
    def test_something(page, live_server, screenshot):
        page.goto(live_server.url + "/")
        screenshot(page, "home")   # artifacts/screenshots/test_something-home.png

``page`` opens a fresh browser context per test (no cookies carried over) with a Korean
locale and a phone-sized viewport unless the test asks for ``desktop_page``. Every page
records uncaught JavaScript errors in ``page_errors``; assert it is empty where it matters.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = Path(os.environ.get("SHOP_CHROMIUM", "/usr/bin/chromium"))
# Flags for a headless root session on a machine without outside network: no sandbox
# (root), no GPU, and none of the background calls home that the closed network refuses.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT_DIR = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in tests/e2e as ``browser`` so ``-m "not browser"`` skips them."""
    e2e_dir = Path(__file__).parent
    for item in items:
        if e2e_dir in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Start one headless Chromium for the whole session."""
    if not CHROMIUM.exists():
        message = f"needs Chromium at {CHROMIUM}: apt-get install chromium"
        if settings.REQUIRE_SERVICES:
            pytest.fail(f"{message} (CI requires it)", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _new_page(browser, live_server, viewport: dict[str, int]) -> Iterator[object]:
    context = browser.new_context(
        base_url=live_server.url,
        locale="ko-KR",
        timezone_id="Asia/Seoul",
        viewport=viewport,
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.page_errors = []  # uncaught JavaScript errors, see the page_errors fixture
    page.on("pageerror", lambda error: page.page_errors.append(str(error)))
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:
    """A new phone-sized page in a fresh context (own cookies), Korean locale, base_url set."""
    yield from _new_page(browser, live_server, PHONE)


@pytest.fixture
def desktop_page(browser, live_server) -> Iterator[object]:
    """Like ``page``, with a desktop-sized window."""
    yield from _new_page(browser, live_server, DESKTOP)


@pytest.fixture
def page_errors(page) -> list[str]:
    """The uncaught JavaScript errors ``page`` has seen so far (a live list)."""
    return page.page_errors


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[[object, str], Path]:
    """Return ``save(page, step)``: a full-page PNG at artifacts/screenshots/<test>-<step>.png."""
    test_name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)

    def save(page, step: str) -> Path:
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOT_DIR / f"{test_name}-{re.sub(r'[^A-Za-z0-9_.-]+', '_', step)}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
