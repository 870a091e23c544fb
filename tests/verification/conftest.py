"""Claims in the states the verification tests start from: checked and waiting for review."""

import pytest

from annotations.services import claim_create, source_add_text
from tests.factories import ArticleFactory
from tests.verification.runs import SOURCE_TEXT, finish_with
from verification.checks.services import claim_submit


@pytest.fixture
def checked_claim(annotator):
    """A claim past its machine check, waiting in the queue (status needs_review)."""
    from verification.sources.archive import source_archive

    claim = claim_create(
        article=ArticleFactory(),
        user=annotator,
        exact="the bridge cost 56 million euros",
        text="The bridge cost 56 million euros.",
    )
    source = source_add_text(claim=claim, title="Audit report", text=SOURCE_TEXT, user=annotator)
    source_archive(source=source)
    run = claim_submit(claim=claim, user=annotator)
    finish_with(run)
    claim.refresh_from_db()
    return claim
