"""Playwright driving Debian's Chromium headless; no browser is ever downloaded."""

import pytest

from tests.conftest import CHROMIUM

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser_page():
    """A fresh page; Django's ORM must not be used while it is open (Playwright runs a loop)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_page()
        page.set_default_timeout(15_000)
        yield page
        browser.close()


def sign_in(page, base_url: str, username: str, password: str, *, wait: bool = True) -> None:
    """Sign in to the admin and (unless `wait` is off, to see a refusal) wait until it shows the
    signed-in user's tools."""
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    if wait:
        page.wait_for_selector("#user-tools")
