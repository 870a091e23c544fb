"""Reciprocal-rank fusion: one ranking from several, without comparing their scores.

BM25 scores, cosines and cross-encoder logits live on different scales; RRF only uses ranks
(Cormack, Clarke and Buettcher 2009): score(d) = sum over rankings of 1 / (k + rank(d)), with
rank from 1. Deterministic: ties keep the order of first appearance.

What the product uses (verification/library/matching.py): the first stage (0.8 encoder meaning
+ 0.2 full-text words; desk facts by idf cosine) ranks the candidates, the cross-encoder scores
its best 20, and the two orders of those 20 are fused, the rest following in first-stage order:

    fused = rerank_and_fuse(first_stage_top20_ids, reranker.score(text, their_texts))

That recipe (depth 20, k = 60, fuse "rrf") was picked on a held-back part of train.jsonl
(reranker_model/train_selection.json: MAP@5 0.894 against the encoder's 0.857), not on dev.
On dev (manage.py match_claims + score.py, 197 tweets against the 10,375 fact-checks) it moves
MAP@5 from 0.852 to 0.853 on SQLite and from 0.848 to 0.862 on PostgreSQL: short of 0.88.
Engine-only variants on dev (bench/eval_claimmatch.py, `make eval-match`): lexical 0.772,
encoder 0.836, RRF of the two 0.872, the encoder's top 20 fused with their re-ranked order 0.863,
RRF of lexical, encoder and the re-ranker over the encoder's top 20 0.891 (built after the
others were scored on dev, so optimistic, and not what the product runs).
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
