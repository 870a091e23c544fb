"""The committed claim-matching re-ranker: scores in order, a match above a non-match.

Needs onnxruntime and tokenizers (runtime requirements), never torch or /work/shared.
"""

import pytest

from verification.engine.reranker import Reranker, RerankerUnavailable, default_reranker


@pytest.fixture(scope="module")
def reranker() -> Reranker:
    shared = default_reranker()
    assert shared.available(), "the committed re-ranker artifact must load"
    return shared


def test_the_fact_check_of_the_claim_scores_above_unrelated_ones(reranker):
    query = "BREAKING: Joe Biden says he will ban fracking on his first day in office!!"
    texts = [
        "The Eiffel Tower was built for the 1889 World's Fair. Was it?",
        "Joe Biden said he would ban fracking. Did Biden vow to end fracking?",
        "Drinking hot water cures the coronavirus. Does hot water kill COVID-19?",
    ]
    scores = reranker.score(query, texts)
    assert len(scores) == 3 and all(isinstance(s, float) for s in scores)
    assert scores[1] == max(scores)
    assert scores[1] > scores[0] + 2 and scores[1] > scores[2] + 2


def test_scores_follow_the_input_order_whatever_the_batching(reranker):
    query = "Masks do not stop the virus"
    texts = ["Face masks protect against COVID-19?", "A shark was seen on a highway", "x" * 5000]
    forwards = reranker.score(query, texts, batch_size=1)
    backwards = reranker.score(query, texts[::-1], batch_size=1)
    assert forwards == backwards[::-1]
    assert reranker.score(query, []) == []


def test_a_missing_artifact_is_unavailable_with_the_reason(tmp_path):
    broken = Reranker(tmp_path)
    assert broken.available() is False
    with pytest.raises(RerankerUnavailable, match="model.int8.onnx.* missing"):
        broken.score("q", ["text"])
