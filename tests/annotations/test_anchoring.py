import random

import pytest

from annotations.anchoring import (
    CONTEXT_LENGTH,
    AnchoringError,
    AnchorState,
    ClaimSelector,
    OffsetError,
    QuoteSelector,
    SpanError,
    SurrogateSplitError,
    canonical_text,
    codepoint_to_utf16,
    describe,
    match_quote,
    reanchor,
    reanchor_many,
    utf16_to_codepoint,
)

ARTICLE = (
    "The council met on Tuesday. The mayor said unemployment fell to 3.9% in March, "
    "the lowest rate since 2008. Critics said the figure ignored part-time workers. "
    "The budget passed by seven votes to two. The mayor said the new tram line would open "
    "in 2027, two years later than planned.\n"
)


def _claim(text, quote, occurrence=0):
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(quote, start + 1)
    selector = describe(text, start, start + len(quote))
    return ClaimSelector(
        selector.exact, selector.prefix, selector.suffix, start, start + len(quote)
    )


def _reanchor(new_text, claim):
    return reanchor(
        new_text,
        exact=claim.exact,
        prefix=claim.prefix,
        suffix=claim.suffix,
        start=claim.start,
        end=claim.end,
    )


# Canonical text


def test_canonical_text_turns_crlf_and_lone_cr_into_newlines():
    assert canonical_text("one\r\ntwo\rthree\n") == "one\ntwo\nthree\n"


def test_canonical_text_composes_combining_accents():
    assert canonical_text("Cafe\u0301 cre\u0300me") == "Caf\u00e9 cr\u00e8me"


def test_canonical_text_strips_a_leading_bom_and_keeps_everything_else():
    assert canonical_text("\ufeff  tabs\tand  spaces \u200f") == "  tabs\tand  spaces \u200f"


def test_a_quote_selected_in_decomposed_text_matches_the_canonical_text():
    text = canonical_text("Le cafe\u0301 est fermé.")
    found = match_quote(text, canonical_text("cafe\u0301"))
    assert found is not None
    assert text[found.start : found.end] == "caf\u00e9"
    assert (found.start, found.end, found.score) == (3, 7, 1.0)


# UTF-16 boundary


def test_utf16_offsets_after_an_emoji_convert_to_one_code_point_less():
    text = "I 😊 facts"
    assert utf16_to_codepoint(text, 5) == 4
    assert codepoint_to_utf16(text, 4) == 5
    assert text[utf16_to_codepoint(text, 5) :] == "facts"


def test_utf16_conversion_round_trips_every_code_point_offset():
    text = "a😊b𝄞c\u05e9\u05dc\u05d5\u05ddé"
    for offset in range(len(text) + 1):
        assert utf16_to_codepoint(text, codepoint_to_utf16(text, offset)) == offset


def test_utf16_offset_inside_a_surrogate_pair_is_refused():
    with pytest.raises(SurrogateSplitError, match="splits a surrogate pair"):
        utf16_to_codepoint("I 😊 facts", 3)


def test_surrogate_split_error_is_an_anchoring_value_error():
    assert issubclass(SurrogateSplitError, OffsetError)
    assert issubclass(OffsetError, AnchoringError)
    assert issubclass(AnchoringError, ValueError)


@pytest.mark.parametrize("offset", [-1, 11, 1.5, None, True])
def test_utf16_offset_outside_the_text_or_not_an_integer_is_refused(offset):
    with pytest.raises(OffsetError):
        utf16_to_codepoint("I 😊 facts", offset)  # 10 UTF-16 units


def test_code_point_offset_past_the_end_is_refused():
    with pytest.raises(OffsetError, match="outside the text"):
        codepoint_to_utf16("abc", 4)


# describe


def test_describe_takes_32_code_points_of_context_counting_an_emoji_as_one():
    text = "😊" * 40 + "claim" + "🎉" * 40
    selector = describe(text, 40, 45)
    assert selector == QuoteSelector(exact="claim", prefix="😊" * 32, suffix="🎉" * 32)
    assert CONTEXT_LENGTH == 32


def test_describe_at_the_edges_of_the_text_gives_short_context():
    assert describe("short text", 0, 5) == QuoteSelector("short", "", " text")
    assert describe("short text", 6, 10) == QuoteSelector("text", "short ", "")


@pytest.mark.parametrize("span", [(3, 3), (4, 2), (-1, 2), (0, 11), (0, 2.0)])
def test_describe_refuses_empty_reversed_or_out_of_range_spans(span):
    with pytest.raises(SpanError):
        describe("short text", *span)


def test_overlapping_and_nested_spans_describe_and_anchor_independently():
    text = ARTICLE
    outer_start = text.index("The mayor said unemployment")
    outer_end = text.index(" in March") + len(" in March")
    inner_start = text.index("unemployment fell")
    inner_end = inner_start + len("unemployment fell to 3.9%")
    overlap_start = text.index("3.9% in March, the lowest")
    overlap_end = overlap_start + len("3.9% in March, the lowest")
    for start, end in [
        (outer_start, outer_end),
        (inner_start, inner_end),
        (overlap_start, overlap_end),
    ]:
        selector = describe(text, start, end)
        found = match_quote(text, selector.exact, prefix=selector.prefix, suffix=selector.suffix)
        assert found is not None
        assert (found.start, found.end, found.score) == (start, end, 1.0)


# match_quote


def test_right_to_left_quote_is_found_at_its_code_point_offsets():
    text = "Headline: \u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd and العربية نص."
    found = match_quote(text, "العربية")
    assert found is not None
    assert (found.start, found.end) == (text.index("العربية"), text.index("العربية") + 7)


def test_astral_characters_count_as_one_code_point_each_in_matches():
    text = "Scores: 𝟗𝟎 points 😊 said the 𝒄𝒐𝒂𝒄𝒉."
    found = match_quote(text, "😊 said")
    assert found is not None
    assert (found.start, found.end) == (18, 24)


def test_repeated_identical_quotes_are_told_apart_by_prefix_and_suffix():
    text = ARTICLE
    second = _claim(text, "The mayor said", occurrence=1)
    found = match_quote(text, second.exact, prefix=second.prefix, suffix=second.suffix)
    assert found is not None
    assert (found.start, found.end) == (second.start, second.end)
    first = _claim(text, "The mayor said", occurrence=0)
    found = match_quote(text, first.exact, prefix=first.prefix, suffix=first.suffix)
    assert found is not None
    assert (found.start, found.end) == (first.start, first.end)


def test_repeated_quote_without_context_goes_to_the_occurrence_nearest_the_hint():
    text = ARTICLE
    later = text.index("The mayor said", 50)
    found = match_quote(text, "The mayor said", hint=later - 10)
    assert found is not None
    assert found.start == later


def test_lookalike_quote_below_the_minimum_similarity_is_not_matched():
    assert match_quote(ARTICLE, "The governor claimed employment rose") is None


def test_exact_short_quote_in_foreign_context_is_not_matched():
    assert match_quote(ARTICLE, "2008", prefix="revenue doubled in ", suffix=" and 2009") is None


# reanchor


def test_claim_whose_text_is_unchanged_stays_anchored():
    claim = _claim(ARTICLE, "unemployment fell to 3.9% in March")
    result = _reanchor(ARTICLE, claim)
    assert (result.state, result.start, result.end, result.score) == (
        AnchorState.ANCHORED,
        claim.start,
        claim.end,
        1.0,
    )
    assert result.state == "anchored"


def test_quote_moves_with_the_text_after_an_insertion_before_it():
    claim = _claim(ARTICLE, "unemployment fell to 3.9% in March")
    inserted = "UPDATED: corrected the date of the meeting. "
    new_text = inserted + ARTICLE
    result = _reanchor(new_text, claim)
    assert result.state == AnchorState.MOVED
    assert (result.start, result.end) == (claim.start + len(inserted), claim.end + len(inserted))
    assert result.score == pytest.approx(1.0, abs=0.01)


def test_slightly_edited_quote_is_moved_and_flagged_fuzzy():
    claim = _claim(ARTICLE, "unemployment fell to 3.9% in March")
    new_text = ARTICLE.replace("fell to 3.9% in March", "fell to 3.8% in March")
    result = _reanchor(new_text, claim)
    assert result.state == AnchorState.FUZZY
    assert new_text[result.start : result.end] == "unemployment fell to 3.8% in March"
    assert 0.7 <= result.score < 1.0
    assert "1 edits" in result.reason


def test_deleted_quote_is_orphaned_without_a_position():
    claim = _claim(ARTICLE, "Critics said the figure ignored part-time workers.")
    new_text = ARTICLE.replace("Critics said the figure ignored part-time workers. ", "")
    result = _reanchor(new_text, claim)
    assert (result.state, result.start, result.end, result.score) == (
        AnchorState.ORPHANED,
        None,
        None,
        0.0,
    )


def test_quote_rewritten_into_a_lookalike_is_orphaned_not_attached():
    claim = _claim(ARTICLE, "unemployment fell to 3.9% in March")
    new_text = ARTICLE.replace(
        "The mayor said unemployment fell to 3.9% in March",
        "The mayor hinted employment grew by 9% in May",
    )
    result = _reanchor(new_text, claim)
    assert result.state == AnchorState.ORPHANED
    assert result.start is None


def test_short_quote_left_only_in_another_sentence_is_orphaned():
    claim = _claim(ARTICLE, "2008")
    new_text = ARTICLE.replace("the lowest rate since 2008", "the lowest rate on record") + (
        "Figures from 2008 onwards are revised.\n"
    )
    result = _reanchor(new_text, claim)
    assert result.state == AnchorState.ORPHANED


def test_repeated_quote_moves_to_the_copy_with_its_own_context():
    claim = _claim(ARTICLE, "The mayor said", occurrence=1)
    new_text = ARTICLE.replace("The budget passed", "After a long debate, the budget passed")
    result = _reanchor(new_text, claim)
    assert result.state == AnchorState.MOVED
    assert result.start == new_text.index("The mayor said", claim.start)
    assert new_text[result.start - len(claim.prefix) : result.start].endswith("votes to two. ")


def test_long_sentence_moved_to_a_new_paragraph_is_found_but_flagged():
    sentence = "Critics said the figure ignored part-time workers."
    claim = _claim(ARTICLE, sentence)
    new_text = ARTICLE.replace(sentence + " ", "") + "\nIn a separate interview: " + sentence
    result = _reanchor(new_text, claim)
    assert result.state == AnchorState.FUZZY
    assert new_text[result.start : result.end] == sentence
    assert "context changed" in result.reason


def test_reanchoring_works_on_crlf_input_after_canonicalisation():
    claim = _claim(ARTICLE, "two years later than planned")
    new_text = canonical_text("Correction appended.\r\n" + ARTICLE.replace("\n", "\r\n"))
    result = _reanchor(new_text, claim)
    assert result.state == AnchorState.MOVED
    assert new_text[result.start : result.end] == "two years later than planned"


def test_reanchor_many_returns_results_in_input_order_with_each_state():
    claims = [
        _claim(ARTICLE, "The council met on Tuesday."),
        _claim(ARTICLE, "unemployment fell to 3.9% in March"),
        _claim(ARTICLE, "Critics said the figure ignored part-time workers."),
        _claim(ARTICLE, "the new tram line would open in 2027"),
    ]
    new_text = (
        ARTICLE.replace("3.9%", "3.8%")
        .replace("Critics said the figure ignored part-time workers. ", "")
        .replace("The council met", "Updated. The council met")
    )
    results = reanchor_many(new_text, claims)
    assert [r.state for r in results] == ["moved", "fuzzy", "orphaned", "moved"]
    assert new_text[results[3].start : results[3].end] == "the new tram line would open in 2027"


def test_reanchor_many_finds_an_edited_quote_after_a_large_shift_using_its_neighbours():
    filler = "".join(f"Paragraph {i} has nothing to say about trams. " for i in range(400))
    text = ARTICLE + filler + "The tram depot will cost 40 million euros to build. " + filler
    claims = [
        _claim(text, "The budget passed by seven votes to two."),
        _claim(text, "The tram depot will cost 40 million euros to build."),
    ]
    new_text = (filler + text).replace("cost 40 million euros", "cost 45 million euros")
    results = reanchor_many(new_text, claims)
    assert [r.state for r in results] == ["moved", "fuzzy"]
    assert new_text[results[1].start : results[1].end] == (
        "The tram depot will cost 45 million euros to build."
    )


def test_reanchor_of_an_empty_quote_is_orphaned():
    result = reanchor(ARTICLE, exact="", prefix="", suffix="", start=0, end=0)
    assert result.state == AnchorState.ORPHANED


def test_edited_quote_is_found_in_a_text_with_more_than_255_distinct_characters():
    rng = random.Random(7)
    text = "".join(chr(0x4E00 + rng.randrange(3000)) for _ in range(6000))
    assert len(set(text)) > 255
    quote = text[4000:4030]
    edited = text[:4010] + "。" + text[4011:]
    result = reanchor(
        edited, exact=quote, prefix=text[3968:4000], suffix=text[4030:4062], start=4000, end=4030
    )
    assert (result.state, result.start, result.end) == (AnchorState.FUZZY, 4000, 4030)


def test_quote_with_more_than_255_distinct_characters_still_matches_approximately():
    text = "前言。" + "".join(chr(0x4E00 + i) for i in range(300)) + "。后记"
    quote = text[3:303].replace(chr(0x4E00 + 150), "X")
    found = match_quote(text, quote)
    assert found is not None
    assert (found.start, found.end) == (3, 303)
    assert found.score == pytest.approx((50 * (1 - 1 / 300) + 42) / 92)
