"""The claim page's Sources table follows the live check, as its check box does."""

import json

import pytest

from annotations.models import Source, SourceState
from annotations.services import claim_create, source_add_text
from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD, ArticleFactory
from verification.checks.services import claim_submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REFUSED = "refused: the certificate of example.org could not be verified"


@pytest.fixture
def fetching_claim(annotator):
    """A claim whose check is running, its source being fetched again after a refusal."""
    claim = claim_create(
        article=ArticleFactory(), user=annotator, exact="the bridge cost 56 million euros"
    )
    source = source_add_text(claim=claim, title="Audit", text="The bridge cost 85.", user=annotator)
    claim_submit(claim=claim, user=annotator)
    Source.objects.filter(pk=source.pk).update(state=SourceState.FETCHING, failure_reason=REFUSED)
    return claim.pk, source.pk


def test_a_source_that_failed_during_the_check_shows_failed_when_the_check_ends(
    live_server, fetching_claim, browser_page
):
    claim_id, source_id = fetching_claim
    page = browser_page
    sign_in(page, live_server.url, "annie", PASSWORD)
    finished = {
        "claim_status": "needs_review",
        "claim_status_label": "Needs review",
        "run": {"state": "succeeded", "label": "done: refutes (91%)", "open": False},
        "sources": [{"id": source_id, "state": "failed", "label": f"Failed: {REFUSED}"}],
    }
    page.route(
        "**/check-progress/",
        lambda route: route.fulfill(content_type="application/json", body=json.dumps(finished)),
    )

    page.goto(f"{live_server.url}/admin/annotations/claim/{claim_id}/change/")

    page.wait_for_function(
        "document.getElementById('fd-check-label').textContent === 'done: refutes (91%)'"
    )
    assert page.inner_text(f'#fd-sources tr[data-source="{source_id}"] .fd-source-state') == (
        f"Failed: {REFUSED}"
    )
