"""Reciprocal-rank fusion: one ranking from several, without comparing their scores.

BM25 scores, cosines and cross-encoder logits live on different scales; RRF only uses ranks
(Cormack, Clarke and Buettcher 2009): score(d) = sum over rankings of 1 / (k + rank(d)), with
rank from 1. Deterministic: ties keep the order of first appearance.

Claim matching (bench/eval_claimmatch.py, dev MAP@5): lexical 0.772, encoder 0.836, RRF of
the two 0.872, RRF of lexical, encoder and the re-ranker over the encoder's top 20 0.891:

    fused = reciprocal_rank_fusion([lexical_ids, dense_ids, reranked_dense_top20_ids])
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence

RRF_K = 60


def reciprocal_rank_fusion(
    rankings: Iterable[Sequence[Hashable]], k: int = RRF_K, weights: Sequence[float] | None = None
) -> list[tuple[Hashable, float]]:
    """Fuse best-first rankings into one best-first list of (item, fused score)."""
    scores: dict[Hashable, float] = {}
    for position, ranking in enumerate(rankings):
        weight = 1.0 if weights is None else weights[position]
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    order = {item: i for i, item in enumerate(scores)}
    return sorted(scores.items(), key=lambda pair: (-pair[1], order[pair[0]]))


def rerank_and_fuse(
    candidates: Sequence[Hashable], rerank_scores: Sequence[float], k: int = RRF_K
) -> list[tuple[Hashable, float]]:
    """Fuse a first-stage ranking with the re-ranker's order of the same candidates.

    This is the claim-matching recipe measured in bench/eval_claimmatch.py: the re-ranker
    alone over-trusts surface overlap now and then; fused with the encoder's order it is
    better than either.
    """
    if len(candidates) != len(rerank_scores):
        raise ValueError("one re-ranker score per candidate")
    reranked = [
        candidates[i] for i in sorted(range(len(candidates)), key=lambda i: (-rerank_scores[i], i))
    ]
    return reciprocal_rank_fusion([list(candidates), reranked], k=k)
