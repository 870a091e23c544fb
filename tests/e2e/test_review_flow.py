"""A reviewer works the queue in the real admin, a publisher publishes, the API serves the fact;
a reviewer who is also a publisher is refused, clearly, when publishing their own verdict."""

import json

import pytest

from annotations.services import claim_create, source_add_text
from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD, ArticleFactory
from verification.checks.services import claim_submit
from verification.models import CheckRun
from verification.tasks import check_run_execute_task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SOURCE = (
    "The council published its accounts on Monday.\n\n"
    "The bridge cost 85 million euros, according to the audit office.\n\n"
    "Work began in 2019."
)


def _checked_claim(annotator, speaker: str) -> int:
    claim = claim_create(
        article=ArticleFactory(),
        user=annotator,
        exact="the bridge cost 56 million euros",
        text="The bridge cost 56 million euros.",
        speaker=speaker,
    )
    source_add_text(claim=claim, title="Audit report", text=SOURCE, user=annotator)
    run = claim_submit(claim=claim, user=annotator)
    # The worker's job, done here before the browser opens (the ORM is off-limits after).
    check_run_execute_task.run(str(run.run_id))
    assert CheckRun.objects.get(pk=run.pk).status in {"succeeded", "failed"}
    return claim.pk


def log_in(page, base_url: str, username: str) -> None:
    page.context.clear_cookies()
    sign_in(page, base_url, username, PASSWORD)


@pytest.fixture
def two_checked_claims(annotator, reviewer, publisher, reviewer_publisher):
    """Set up before the browser opens: personas, and two claims checked and waiting."""
    return _checked_claim(annotator, "The mayor"), _checked_claim(annotator, "The deputy mayor")


def test_a_claim_goes_from_the_queue_to_a_published_fact_and_self_publishing_is_refused(
    live_server, two_checked_claims, browser_page
):
    from playwright.sync_api import expect

    first, second = two_checked_claims
    base = live_server.url
    page = browser_page

    # The reviewer finds the queue from the admin index and takes the next claim.
    log_in(page, base, "rita")
    page.get_by_role("link", name="Verification queue").first.click()
    expect(page.locator("#fd-queue")).to_contain_text("The mayor")
    page.click("#fd-take-next")
    expect(page).to_have_url(f"{base}/admin/annotations/claim/{first}/review/")
    expect(page.locator("#fd-lease")).to_contain_text("You hold this claim")
    expect(page.locator("mark.fd-quote")).to_have_text("the bridge cost 56 million euros")
    expect(page.locator(".fd-snapshot")).to_contain_text("85 million euros")
    page.check("input[name=verdict][value=false]")
    page.fill("#fd-rationale", "The audit office puts the cost at 85 million euros, not 56.")
    page.click("#fd-record-verdict")
    expect(page.locator(".messagelist")).to_contain_text("Verdict “False” recorded")

    # A publisher publishes it.
    log_in(page, base, "paul")
    page.goto(f"{base}/admin/annotations/claim/{first}/review/")
    expect(page.locator("#fd-latest-verdict")).to_contain_text("False")
    page.click("#fd-publish")
    expect(page.locator(".messagelist")).to_contain_text("Published as fact")

    facts = json.loads(page.request.get(f"{base}/api/v1/facts/").text())
    assert [fact["claim_id"] for fact in facts["results"]] == [first]
    assert facts["results"][0]["speaker"] == "The mayor"

    # A reviewer who is also a publisher reviews the second claim and may not publish it.
    log_in(page, base, "vera")
    page.goto(f"{base}/admin/annotations/claim/{second}/review/")
    page.click("#fd-take")
    expect(page.locator("#fd-lease")).to_contain_text("You hold this claim")
    page.check("input[name=verdict][value=mostly_false]")
    page.fill("#fd-rationale", "The audit says 85 million euros.")
    page.click("#fd-record-verdict")
    page.goto(f"{base}/admin/annotations/claim/{second}/review/")
    expect(page.locator("#fd-awaits-publisher")).to_contain_text("someone else must publish it")
    expect(page.locator("#fd-publish")).to_have_count(0)
    expect(page.locator("#fd-claim-status")).to_have_text("Reviewed")

    facts = json.loads(page.request.get(f"{base}/api/v1/facts/").text())
    assert [fact["claim_id"] for fact in facts["results"]] == [first]
