"""Library fixtures: a fresh per-process vector index for every test, refreshed on every match."""

import hashlib
import re

import numpy as np
import pytest

from annotations.models import ClaimStatus
from annotations.services import claim_create, claim_transition
from tests.factories import ArticleFactory
from verification.facts.services import fact_publish
from verification.library import encoding, vectors
from verification.library import services as library_services
from verification.review.services import review_record

_WORD = re.compile(r"\w+")


class WordEncoder:
    """A bag of hashed words: cosine tracks shared words, deterministic and instant.

    Tests of the library's plumbing (storage, index refresh, fusion, API) use it so they do not
    depend on the learned encoder's quality; tests marked `meaning` use the real one.
    """

    name = "test-words"

    def encode(self, texts):
        out = np.zeros((len(texts), encoding.DIMENSIONS), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                digest = hashlib.blake2b(word.encode(), digest_size=4).digest()
                out[row, int.from_bytes(digest, "little") % encoding.DIMENSIONS] += 1.0
            norm = np.linalg.norm(out[row])
            if norm:
                out[row] /= norm
        return out


@pytest.fixture(autouse=True)
def word_encoder(monkeypatch):
    monkeypatch.setattr(encoding, "encoder_factory", WordEncoder)
    return WordEncoder()


@pytest.fixture(autouse=True)
def fresh_index(settings, tmp_path, monkeypatch):
    """Every test starts with an empty index and no snapshot (not the one under var/)."""
    settings.FACTDESK_LIBRARY_INDEX_REFRESH_SECONDS = 0
    monkeypatch.setattr(vectors, "snapshot_dir", lambda: tmp_path / "library-index")
    vectors.index_reset()
    yield
    vectors.index_reset()


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
