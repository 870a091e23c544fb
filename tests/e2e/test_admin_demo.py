"""A newcomer logs in to the admin and finds the demo desk."""

import pytest

from tests.e2e.conftest import sign_in
from verification.demo.loader import SEED_TITLE, demo_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_account(tmp_path):
    report = demo_load(password_file=tmp_path / "accounts.txt", submit=False)
    return dict(report["accounts"])


def test_the_demo_account_sees_the_desk_and_the_demo_claims(
    live_server, demo_account, browser_page
):
    page = browser_page
    sign_in(page, live_server.url, "demo", demo_account["demo"])
    from playwright.sync_api import expect

    for section in ("Articles", "Claims", "Sources", "Check runs", "Reviews"):
        expect(page.get_by_role("link", name=section, exact=True).first).to_be_visible()
    page.get_by_role("link", name="Articles", exact=True).first.click()
    expect(page.get_by_role("link", name=SEED_TITLE)).to_be_visible()
    page.goto(f"{live_server.url}/admin/annotations/claim/")
    expect(page.locator("#changelist-form")).to_contain_text("10 claims")


def test_a_wrong_password_is_refused(live_server, demo_account, browser_page):
    page = browser_page
    from playwright.sync_api import expect

    sign_in(page, live_server.url, "demo", "not-the-password", wait=False)
    expect(page.locator(".errornote")).to_contain_text("Please enter the correct username")
