"""The claim page's live check box and its Status field say the same status as the check moves."""

import json

import pytest

from annotations.services import claim_create, source_add_text
from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD, ArticleFactory
from verification.checks.services import claim_submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def submitted_claim(annotator):
    claim = claim_create(
        article=ArticleFactory(), user=annotator, exact="the bridge cost 56 million euros"
    )
    source_add_text(claim=claim, title="Audit", text="The bridge cost 85 million.", user=annotator)
    claim_submit(claim=claim, user=annotator)
    return claim.pk


def test_the_status_field_follows_the_live_check(live_server, submitted_claim, browser_page):
    page = browser_page
    sign_in(page, live_server.url, "annie", PASSWORD)
    finished = {
        "claim_status": "needs_review",
        "claim_status_label": "Needs review",
        "run": {"state": "succeeded", "label": "done: refutes", "open": False},
    }
    # The worker's answer, without a worker: the poll gets a finished check.
    page.route(
        "**/check-progress/",
        lambda route: route.fulfill(content_type="application/json", body=json.dumps(finished)),
    )

    page.goto(f"{live_server.url}/admin/annotations/claim/{submitted_claim}/change/")

    page.wait_for_function(
        "document.getElementById('fd-check-claim-status').textContent === 'Needs review'"
    )
    assert page.inner_text(".field-status .readonly") == "Needs review"
    assert page.inner_text(".field-anchor_match .readonly") == "100%"
