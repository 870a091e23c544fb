"""Library fixtures: a fresh per-process vector index for every test, refreshed on every match."""

import pytest

from annotations.models import ClaimStatus
from annotations.services import claim_create, claim_transition
from tests.factories import ArticleFactory
from tests.verification.word_encoder import WordEncoder
from verification.facts.services import fact_publish
from verification.library import encoding
from verification.library import services as library_services
from verification.review.services import review_record


@pytest.fixture(autouse=True)
def word_encoder(monkeypatch):
    monkeypatch.setattr(encoding, "encoder_factory", WordEncoder)
    return WordEncoder()


@pytest.fixture(autouse=True)
def fresh_index(library_index_fresh):
    """Every test starts with an empty index and no snapshot (not the one under var/)."""


@pytest.fixture
def publish(annotator, reviewer, publisher):
    """Publish a desk fact with this claim text and embed it as the worker would."""

    def publish_one(text: str):
        article = ArticleFactory(text=f"Report. {text}. More later.")
        claim = claim_create(article=article, user=annotator, exact=text)
        claim_transition(claim=claim, to_status=ClaimStatus.SUBMITTED, actor=annotator)
        claim_transition(claim=claim, to_status=ClaimStatus.NEEDS_REVIEW, actor=None)
        review_record(claim=claim, reviewer=reviewer, verdict="false", rationale="No.")
        fact = fact_publish(claim=claim, publisher=publisher)
        # What the worker does after commit (fact_embed_task), run here directly.
        assert library_services.fact_embed(fact_id=fact.pk)
        return fact

    return publish_one
