import pytest

from verification.engine import ClaimInput, SourceInput, crosscheck

SOURCE = (
    "The minister spoke on Tuesday.\n"
    '"We will not raise taxes this year," Maria Lopez said at the press conference.\n'
    "Opposition leaders disagreed."
)


def _check(quote, speaker=None, text=None):
    claim = ClaimInput(text or f'The minister said "{quote}"', quote=quote, speaker=speaker)
    return crosscheck(claim, [SourceInput("s0", SOURCE)])


def _quote_finding(result):
    return next(f for f in result.findings if f.kind == "quote")


def test_verbatim_quote_agrees_and_points_at_the_words():
    result = _check("We will not raise taxes this year")
    f = _quote_finding(result)
    assert f.outcome == "agrees"
    assert SOURCE[f.source_start : f.source_end] == "We will not raise taxes this year"


def test_quote_with_a_changed_word_gives_a_diff_naming_it():
    f = _quote_finding(_check("We will not raise taxes next year"))
    assert f.outcome == "differs_slightly"
    assert f.message == "quote differs from the source: changed 'this' to 'next'"


def test_quote_with_a_dropped_word_names_it():
    f = _quote_finding(_check("We will not raise this year"))
    assert f.outcome == "differs_slightly"
    assert f.message == "quote differs from the source: dropped 'taxes'"


def test_a_quote_that_drops_a_negation_is_reversed_not_slightly_different():
    f = _quote_finding(_check("We will raise taxes this year"))
    assert f.outcome == "conflicts"
    assert f.message == (
        "quote differs from the source: dropped 'not' ('not' on one side only reverses the meaning)"
    )
    # An omission mark does not excuse it either.
    f = _quote_finding(_check("We will [...] raise taxes this year"))
    assert f.outcome == "conflicts"
    # One negation for another is a change of words, not of meaning.
    assert _quote_finding(_check("We will never raise taxes this year")).outcome == (
        "differs_slightly"
    )


def test_quote_with_an_added_word_names_it():
    f = _quote_finding(_check("We will not raise income taxes this year"))
    assert "added 'income'" in f.message


def test_quote_not_in_the_source_is_missing_and_not_supported():
    result = _check("The economy is in excellent shape today")
    assert _quote_finding(result).outcome == "missing"
    assert result.stance == "not_enough_info"


def test_speaker_named_by_the_source_agrees():
    result = _check("We will not raise taxes this year", speaker="Maria Lopez")
    f = next(f for f in result.findings if f.kind == "speaker")
    assert f.outcome == "agrees"


def test_quote_put_in_the_wrong_mouth_is_a_speaker_mismatch():
    result = _check("We will not raise taxes this year", speaker="John Smith")
    f = next(f for f in result.findings if f.kind == "speaker")
    assert f.outcome == "conflicts"
    assert f.message == (
        "speaker mismatch: the claim attributes the words to John Smith, "
        "the source attributes them to Maria Lopez"
    )
    assert result.stance == "refutes"


def test_quote_in_the_claim_text_is_checked_without_the_quote_field():
    claim = ClaimInput('Lopez said "we will not raise taxes this year" on Tuesday.')
    result = crosscheck(claim, [SourceInput("s0", SOURCE)])
    assert _quote_finding(result).outcome == "agrees"


def test_the_speaker_is_read_after_the_quotation_closes_not_from_its_last_words():
    from verification.engine import ClaimInput, SourceInput, crosscheck

    source = (
        '"I wonder what they will say when they see the weapons of our partners from the '
        'DPRK?" Medvedev said, Fox News reported.'
    )
    result = crosscheck(
        ClaimInput(
            text='Peskov said: "I wonder what they will say when they see the weapons"',
            quote="I wonder what they will say when they see the weapons",
            speaker="Dmitry Peskov",
        ),
        [SourceInput(id="s", text=source)],
    )
    speaker = [f for f in result.findings if f.kind == "speaker"]
    assert speaker and speaker[0].outcome == "conflicts"
    assert speaker[0].message.endswith("the source attributes them to Medvedev")


MTV = 'Emilee Lindner of MTV described the video as "mature, tasteful, and, dare I say, sexy."'


def test_words_left_out_where_the_quote_marks_it_are_not_a_difference():
    for marker in ("[...]", "...", "\u2026", "(...)"):
        claim = f'Emilee Lindner of MTV called the video "mature, tasteful, and {marker} sexy".'
        result = crosscheck(ClaimInput(claim), [SourceInput("s0", MTV)], use_model=False)
        [quote] = [f for f in result.findings if f.kind == "quote"]
        assert quote.outcome == "agrees", marker
        assert "leaves out 'dare I say'" in quote.message
        assert result.stance == "supports"


def test_a_long_omission_is_still_found():
    source = (
        '"We will not raise taxes this year," Lopez said, "and whatever happens in the markets, '
        "and whatever our opponents in parliament and the press say about us, we will protect "
        'pensions."'
    )
    claim = ClaimInput(
        "Lopez promised to keep taxes and pensions.",
        quote="We will not raise taxes [...] we will protect pensions",
    )
    [quote] = [
        f for f in crosscheck(claim, [SourceInput("s0", source)]).findings if f.kind == "quote"
    ]
    assert quote.outcome == "agrees"
    assert "leaves out 'this year Lopez said and whatever happens in the markets \u2026 us'" in (
        quote.message
    )


def test_words_left_out_silently_are_still_a_difference():
    claim = 'Emilee Lindner of MTV called the video "mature, tasteful, and sexy".'
    [quote] = [
        f
        for f in crosscheck(ClaimInput(claim), [SourceInput("s0", MTV)]).findings
        if f.kind == "quote"
    ]
    assert quote.outcome != "agrees"
    assert "dropped 'dare I say'" in quote.message


def test_a_quoted_title_is_a_name_not_a_quotation():
    claim = 'At his death Hoffman was filming "The Hunger Games: Mockingjay \u2013 Part 2".'
    source = "Hoffman died while filming The Hunger Games: Mockingjay Part 2 in 2014."
    result = crosscheck(ClaimInput(claim), [SourceInput("s0", source)])
    assert not [f for f in result.findings if f.kind == "quote"]
    # Words in quotation marks are still checked as a quotation.
    said = crosscheck(
        ClaimInput('The mayor said "we will not raise taxes this year".'),
        [SourceInput("s0", 'The mayor said: "We will not raise taxes this year."')],
    )
    assert [f.outcome for f in said.findings if f.kind == "quote"] == ["agrees"]


@pytest.mark.parametrize(
    "claim",
    [
        'Trump tweeted "THE FAKE NEWS MEDIA IS THE ENEMY OF THE PEOPLE".',
        'The party campaigned on "Get Brexit Done!" all winter.',
        'She said "We Will Win This Election".',
    ],
)
def test_slogans_and_posts_in_capitals_are_quotations(claim):
    result = crosscheck(ClaimInput(claim), [SourceInput("s0", "The campaign began in May.")])
    assert [f.outcome for f in result.findings if f.kind == "quote"] == ["missing"]
