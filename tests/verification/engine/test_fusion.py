"""Reciprocal-rank fusion of rankings on different scales."""

import pytest

from verification.engine.fusion import reciprocal_rank_fusion, rerank_and_fuse


def test_an_item_high_in_both_rankings_beats_one_first_in_only_one():
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "c", "a"]])
    assert [item for item, _ in fused] == ["b", "a", "c"]
    assert fused[0][1] == pytest.approx(1 / 62 + 1 / 61)


def test_an_item_in_one_ranking_only_still_counts_and_ties_keep_first_appearance():
    fused = reciprocal_rank_fusion([["a", "x"], ["b", "y"]])
    assert [item for item, _ in fused] == ["a", "b", "x", "y"]


def test_weights_tilt_the_fusion_toward_one_ranking():
    fused = reciprocal_rank_fusion([["a", "b"], ["b", "a"]], weights=[2.0, 1.0])
    assert fused[0][0] == "a"


def test_rerank_and_fuse_moves_the_rerankers_favourite_up_but_not_blindly():
    # The re-ranker reverses the first stage: its favourite "d" climbs from last to a tie
    # with "a", which keeps first place by appearing first.
    fused = rerank_and_fuse(["a", "b", "c", "d"], [0.1, 0.2, 0.3, 9.0])
    assert [item for item, _ in fused] == ["a", "d", "b", "c"]
    assert rerank_and_fuse(["a", "b", "c"], [0.0, 5.0, 1.0])[0][0] == "b"
    with pytest.raises(ValueError):
        rerank_and_fuse(["a"], [1.0, 2.0])
