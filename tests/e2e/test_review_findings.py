"""A reviewer chooses findings on the review page of the demo's misattributed quote.

The claim is checked before the browser opens: Django's ORM must not run while Playwright's loop is.
"""

import pytest

from annotations.models import Claim
from tests.e2e.conftest import sign_in
from verification.checks.services import claim_submit
from verification.demo.loader import FOLLOW_UP_TITLE, demo_load
from verification.models import CheckRun
from verification.tasks import check_run_execute_task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACTIVE = "Array.from(document.querySelectorAll(sel)).map((mark) => mark.textContent)"


@pytest.fixture
def misattributed_quote(tmp_path):
    """The follow-up's quote given to Dmitry Peskov, checked against the seed article."""
    report = demo_load(password_file=tmp_path / "accounts.txt", submit=False)
    claim = Claim.objects.get(article__title=FOLLOW_UP_TITLE, speaker="Dmitry Peskov")
    run = claim_submit(claim=claim, user=claim.created_by)
    check_run_execute_task.run(str(run.run_id))
    assert CheckRun.objects.get(pk=run.pk).status == "succeeded"
    return claim.pk, dict(report["accounts"])["demo"]


def _active(page, where: str) -> list[str]:
    return page.evaluate(f"(sel) => {ACTIVE}", f"{where} mark.fd-finding-active")


def test_a_chosen_finding_stays_marked_at_the_name_it_talks_about_until_escape(
    live_server, misattributed_quote, browser_page, tmp_path
):
    from playwright.sync_api import expect

    claim_id, password = misattributed_quote
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server.url, "demo", password)
    page.goto(f"{live_server.url}/admin/annotations/claim/{claim_id}/review/")

    # The name finding marks the spokesperson's full name, not the Dmitry of President Medvedev.
    name = page.locator(".fd-finding-item", has_text="elsewhere in the source: Dmitry Peskov")
    name.click()
    source_mark = page.locator(".fd-snapshot mark.fd-finding-active")
    expect(source_mark).to_have_text("Dmitry Peskov")
    assert page.evaluate(
        "(mark) => mark.previousSibling.textContent.endsWith('Kremlin spokesperson ')",
        source_mark.element_handle(),
    )
    expect(source_mark).to_be_in_viewport()

    # The page scrolled to it, leaving the list behind the mouse; the mark stays, also on a wheel.
    assert page.evaluate("window.scrollY") > 0
    page.mouse.wheel(0, 200)
    page.wait_for_timeout(300)
    assert _active(page, ".fd-snapshot") == ["Dmitry Peskov"]
    assert _active(page, "#fd-claim-text") == ["Dmitry Peskov"]
    expect(name).to_have_attribute("aria-current", "true")
    page.screenshot(path=str(tmp_path / "review-finding-chosen.png"))

    page.keyboard.press("Escape")
    assert _active(page, "") == []
    expect(name).not_to_have_attribute("aria-current", "true")

    # Another finding replaces the first; a click elsewhere clears it.
    speaker = page.locator(".fd-finding-item", has_text="speaker mismatch")
    speaker.click()
    expect(page.locator(".fd-snapshot mark.fd-finding-active").first).to_contain_text("I wonder")
    assert "Dmitry Peskov" not in _active(page, ".fd-snapshot")
    page.locator("#fd-claim-text").click()
    assert _active(page, "") == []

    # The keyboard chooses too.
    name.focus()
    page.keyboard.press("Enter")
    expect(source_mark).to_have_text("Dmitry Peskov")


def test_a_conflict_is_underlined_twice_on_a_tint_not_with_a_wavy_line(
    live_server, misattributed_quote, browser_page, tmp_path
):
    claim_id, password = misattributed_quote
    page = browser_page
    sign_in(page, live_server.url, "demo", password)
    page.goto(f"{live_server.url}/admin/annotations/claim/{claim_id}/review/")

    style = "(mark) => { const s = getComputedStyle(mark); return [s.textDecorationLine, "
    style += "s.textDecorationStyle, s.backgroundColor]; }"
    conflict = page.locator(".fd-snapshot mark.fd-finding-conflicts").first
    other = page.locator(".fd-snapshot mark.fd-finding-info").first
    line, shape, tint = conflict.evaluate(style)
    assert (line, shape) == ("underline", "double")
    assert tint != "rgba(0, 0, 0, 0)"
    assert other.evaluate(style)[:2] == ["underline", "solid"]
    page.locator("#fd-findings").scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "review-findings.png"), full_page=True)
