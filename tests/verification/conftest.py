"""Claims in the states the verification tests start from: checked and waiting for review."""

import pytest

from annotations.services import claim_create, source_add_text
from tests.factories import ArticleFactory
from tests.verification.runs import SOURCE_TEXT, finish_with
from verification.checks.services import claim_submit
from verification.library import vectors


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


@pytest.fixture
def library_index_fresh(settings, tmp_path, monkeypatch):
    """An empty fact-check library index with no snapshot (not the one under var/), refreshed on
    every match; reset again afterwards."""
    settings.FACTDESK_LIBRARY_INDEX_REFRESH_SECONDS = 0
    monkeypatch.setattr(vectors, "snapshot_dir", lambda: tmp_path / "library-index")
    vectors.index_reset()
    yield
    vectors.index_reset()
