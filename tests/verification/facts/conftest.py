"""Fixtures shared by the API tests."""

import pytest

from tests.verification.facts.evidence import claim_in_review_build


@pytest.fixture
def claim_in_review(annotator, reviewer):
    """A claim in review whose check run found two machine passages; with its snapshot."""
    return claim_in_review_build(annotator, reviewer)
