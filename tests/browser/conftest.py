"""Reusable Playwright fixtures: Debian's Chromium, headless, at phone size, against
pytest-django's ``live_server`` (transactional database).

- ``browser``: one Chromium for the session (skips the test if /usr/bin/chromium is missing);
- ``page_as(user, viewport=PHONE, javascript=True)``: a new page, logged in as ``user`` by
  injecting a real session cookie (``None``: anonymous);
- ``phone_page``: an anonymous page at 390 x 844;
- ``login_via_form(page, email, password)``: log in through the real login form;
- ``no_horizontal_scroll(page)``: True when the page fits the viewport's width.

Every test in this folder is marked ``browser`` automatically.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs its own event loop; Django's ORM must still be usable from tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium (/usr/bin/chromium) is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


def session_cookie_for(user, base_url: str) -> dict:
    """A session cookie for ``user``, made through Django's own login machinery."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": base_url,
        "httpOnly": True,
        "sameSite": "Lax",
    }


@pytest.fixture
def page_as(browser, live_server):
    """``page_as(user, viewport=PHONE, javascript=True)`` -> a Playwright page."""
    contexts = []

    def make(user=None, *, viewport=PHONE, javascript=True):
        context = browser.new_context(
            viewport=viewport,
            base_url=live_server.url,
            java_script_enabled=javascript,
            has_touch=viewport["width"] < 600,
            locale="en-GB",
            timezone_id="Europe/London",
        )
        contexts.append(context)
        if user is not None:
            context.add_cookies([session_cookie_for(user, live_server.url)])
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.js_errors = []
        page.on("pageerror", lambda error: page.js_errors.append(str(error)))
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def phone_page(page_as):
    return page_as(None)


def login_via_form(page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="Log in").click()


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
