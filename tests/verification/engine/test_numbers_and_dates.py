from verification.engine import ClaimInput, SourceInput, crosscheck
from verification.engine.quantities import extract
from verification.engine.text import tokenize


def _findings(claim, source, kind=None):
    result = crosscheck(ClaimInput(claim), [SourceInput("s0", source)])
    return [f for f in result.findings if kind is None or f.kind == kind]


def _values(text):
    return [(q.kind, q.value, q.qualifier) for q in extract(text, tokenize(text))]


def test_number_mismatch_56_vs_58_is_found_and_names_both_values():
    [f] = _findings("The council has 56 members.", "The council has 58 members.", "number")
    assert f.outcome == "conflicts"
    assert f.message == "number mismatch: the claim says 56, the source says 58"


def test_mismatch_offsets_point_at_both_numbers():
    claim, source = "The council has 56 members.", "Today the council has 58 members."
    [f] = _findings(claim, source, "number")
    assert claim[f.claim_start : f.claim_end] == "56"
    assert source[f.source_start : f.source_end] == "58"


def test_two_dozen_is_24():
    assert _values("two dozen eggs") == [("number", 24.0, None)]
    [f] = _findings("She won 24 medals.", "She won two dozen medals.", "number")
    assert f.outcome == "agrees"


def test_number_words_and_scales_are_read():
    assert _values("twenty-five people")[0][1] == 25.0
    assert _values("three hundred people")[0][1] == 300.0
    assert _values("$ 73.8 million")[0][1] == 73_800_000.0
    assert _values("1,234 votes")[0][1] == 1234.0
    assert _values("5bn budget")[0][1] == 5_000_000_000.0


def test_a_third_agrees_with_33_percent_and_not_with_50():
    [f] = _findings("A third of voters stayed home.", "33% of voters stayed home.", "number")
    assert f.outcome == "agrees"
    [f] = _findings("A third of voters stayed home.", "50% of voters stayed home.", "number")
    assert f.outcome == "conflicts"


def test_percent_spellings_are_percentages():
    assert [v[:2] for v in _values("45% and 12 per cent and 7 percent")] == [
        ("percent", 45.0),
        ("percent", 12.0),
        ("percent", 7.0),
    ]


def test_more_than_680_conflicts_with_639():
    [f] = _findings(
        "There have been more than 680 confirmed cases.",
        "There have been 639 confirmed cases.",
        "number",
    )
    assert f.outcome == "conflicts"
    assert f.message == "number mismatch: the claim says more than 680, the source says 639"


def test_less_than_qualifier_is_respected():
    [f] = _findings(
        "The film grossed less than $ 246.5 million.", "The film grossed $ 246.2 million.", "number"
    )
    assert f.outcome == "agrees"


def test_at_least_and_about_qualifiers():
    assert _findings("At least 40 people died.", "42 people died.", "number")[0].outcome == "agrees"
    assert (
        _findings("At least 40 people died.", "38 people died.", "number")[0].outcome == "conflicts"
    )
    assert _findings("About 100 people came.", "96 people came.", "number")[0].outcome == "agrees"


def test_rounded_figure_differs_slightly():
    [f] = _findings(
        "The city has 2.5 million residents.", "The city has 2,512,000 residents.", "number"
    )
    assert f.outcome == "differs_slightly"
    assert "2.5 million" in f.message and "2,512,000" in f.message


def test_age_mismatch_is_reported():
    [f] = _findings("He died aged 61.", "He died aged 64.", "number")
    assert f.outcome == "conflicts"
    assert "61" in f.message and "64" in f.message


def test_number_inside_a_name_is_not_a_figure():
    assert _values("cases of Covid-19") == []


def test_year_mismatch_is_a_date_finding():
    [f] = _findings("The bridge opened in 1998.", "The bridge opened in 1999.", "date")
    assert f.outcome == "conflicts"
    assert f.message == "year mismatch: the claim says 1998, the source says 1999"


def test_dates_in_either_order_agree():
    [f] = _findings(
        "It was released on November 29, 2019.", "It was released on 29 November 2019.", "date"
    )
    assert f.outcome == "agrees"


def test_day_mismatch_is_a_conflict():
    [f] = _findings(
        "It was released on November 28, 2019.", "It was released on 29 November 2019.", "date"
    )
    assert f.outcome == "conflicts"


def test_later_than_qualifier_on_dates():
    [f] = _findings(
        "Travel was cancelled later than February 25, 2020.",
        "Travel was suspended on February 29, 2020.",
        "date",
    )
    assert f.outcome == "agrees"


def test_century_is_compared_with_years():
    [f] = _findings(
        "The film was released in the 20th century.", "The film premiered on 7 May 2015.", "date"
    )
    assert f.outcome == "conflicts"


def test_missing_figure_is_reported_as_missing():
    [f] = _findings("The council has 56 members.", "The council meets weekly.", "number")
    assert f.outcome == "missing"
    assert "56" in f.message


def test_the_same_hedge_on_different_figures_is_a_conflict():
    from verification.engine import ClaimInput, SourceInput, crosscheck

    result = crosscheck(
        ClaimInput(text="Russia would receive over three dozen kinds of weapons from Pyongyang."),
        [
            SourceInput(
                id="s",
                text="Russia would receive over two dozen kinds of weapons and "
                "munitions from Pyongyang, Kirby said.",
            )
        ],
    )
    numbers = [f for f in result.findings if f.kind == "number"]
    assert numbers[0].outcome == "conflicts"
    assert "over three dozen" in numbers[0].message and "over two dozen" in numbers[0].message
    assert result.stance == "refutes"


# What a mismatch needs: the same kind of figure about the same thing. Each case below was a
# false "mismatch" on VitaminC claims before the rule it tests.


def test_numbers_that_state_no_amount_are_not_compared():
    assert _values("It runs on the PS4 and was shown at E3.") == []
    assert _values("They lost 3-1 at home in the 2000-01 season.") == [("year", 2000.0, None)]
    assert _values("He served from 2010 to 2015.") == [
        ("year", 2010.0, None),
        ("year", 2015.0, None),
    ]
    assert _values("It holds a 64/100 rating, 8 out of 10 critics agree.") == [
        ("rating", 64.0, None),
        ("number", 8.0, None),
    ]
    assert _values("With 13:50 left, iOS 13 replaced iOS 12.") == []


def test_a_place_relative_to_another_is_not_a_place():
    assert _values("Prague is ranked below the 5th most visited city.") == []
    assert _values("Prague is the 5th most visited city.") == [("ordinal", 5.0, None)]


def test_when_words_are_not_bounds_on_a_count():
    assert _values("It grossed 200 crore after four weeks.") == [
        ("number", 200.0, None),
        ("number", 4.0, None),
    ]
    assert _values("It opened after 2016.") == [("year", 2016.0, "gt")]


def test_a_weaker_hedge_in_the_claim_is_implied_by_the_source():
    [f] = _findings(
        "The album has sold over 15 million copies.",
        "The album has sold over 30 million copies worldwide.",
        "number",
    )
    assert f.outcome == "agrees"


def test_a_repeated_figure_is_preferred_over_a_closer_looking_one():
    [f] = _findings(
        "Willow has an average score of 5.6 on Rotten Tomatoes.",
        "Based on 31 reviews collected by Rotten Tomatoes, it has an average score of 5.6.",
        "number",
    )
    assert f.outcome == "agrees"
    assert "5.6" in f.message


def test_ratings_on_different_scales_compare_as_shares():
    [f] = _findings(
        "Volume II had an average rating of 6.4/10.", "It holds a 64/100 rating.", "number"
    )
    assert (f.kind, f.outcome) == ("number", "agrees")
    assert f.message == "rating agrees: the claim says 6.4/10, the source says 64/100"
    [f] = _findings("It was rated 3/5 by critics.", "Critics rated it 8/10.", "number")
    assert f.outcome == "conflicts"


def test_figures_counting_different_things_do_not_conflict():
    findings = _findings(
        "Baggio scored 318 goals in 699 appearances.",
        "He assisted 121 goals in Serie A and scored 318 goals in all.",
        "number",
    )
    assert [f.outcome for f in findings] == ["agrees", "info"]


def test_an_article_before_a_number_word_is_not_one_more():
    assert _values("a twenty minute walk") == [("number", 20.0, None)]
    assert _values("a hundred people") == [("number", 100.0, None)]


def test_a_range_in_words_is_not_two_figures():
    assert _values("between 10 and 12 people") == []
    assert _values("It rose from 5 percent to 7 percent.") == [
        ("percent", 5.0, None),
        ("percent", 7.0, None),
    ]


def test_a_source_figure_that_is_another_of_the_claims_is_not_a_mismatch():
    claim = "It aired on March 4, 2019 in Australia and on Netflix on March 6, 2019."
    findings = _findings(claim, "The series premiered in Australia on March 4th.", "date")
    second = next(f for f in findings if claim[f.claim_start : f.claim_end] == "March 6, 2019")
    assert second.outcome == "missing"
    assert second.message == (
        "date not found for 'March 6, 2019': what the source gives here (March 4th) "
        "matches another of the claim's figures (March 4, 2019)"
    )
    assert not any(f.outcome == "conflicts" for f in findings)


def test_a_year_other_than_the_claimed_ones_still_conflicts():
    claim = "He led the club from 1997 to 2003."
    findings = _findings(claim, "He led the club from 1997 to 2005.", "date")
    assert [f.outcome for f in findings] == ["agrees", "conflicts"]
    assert findings[1].message == "year mismatch: the claim says 2003, the source says 2005"


def test_a_year_inside_uncertain_bounds_agrees():
    claim = "The panel dates from c. 1491-1510."
    findings = _findings(claim, "The panel was painted around 1500.", "date")
    assert [f.outcome for f in findings] == ["agrees", "agrees"]
    assert "(bounds c. 1491-1510)" in findings[0].message
    outside = _findings(claim, "The panel was painted around 1530.", "date")
    assert "conflicts" in [f.outcome for f in outside]


def test_a_year_inside_a_span_does_not_confirm_its_start():
    findings = _findings(
        "He led the club from 1997 to 2003.", "He took over the club in 2000 and left in 2003."
    )
    assert [f.outcome for f in findings if f.kind == "date"] == ["info", "agrees"]


def test_a_list_of_years_is_not_a_range():
    findings = _findings(
        "Brazil won the World Cup in 1994 and 2002.", "Brazil won the World Cup in 1998.", "date"
    )
    assert [f.outcome for f in findings] == ["conflicts", "conflicts"]


def test_figures_that_fit_more_than_one_claimed_figure_still_agree():
    findings = _findings(
        "In 2019 the band released the album on March 6.", "The album came out on March 6, 2019."
    )
    assert [f.outcome for f in findings if f.kind == "date"] == ["agrees", "agrees"]
    century = _findings(
        "The church, built in the 12th century, was consecrated in 1150.",
        "The church was consecrated in 1150.",
        "date",
    )
    assert [f.outcome for f in century] == ["agrees", "agrees"]


def test_an_open_figure_does_not_hide_a_conflict():
    findings = _findings(
        "Over 100 protesters were arrested and 3 officers were injured.",
        "Over 100 protesters were arrested and 150 officers were injured.",
        "number",
    )
    assert [f.outcome for f in findings] == ["agrees", "conflicts"]
    assert findings[1].message == "number mismatch: the claim says 3, the source says 150"


def _dates(text):
    return [(q.date_parts, q.describe(text)) for q in extract(text, tokenize(text))]


def test_a_range_of_days_gives_each_day_its_month_and_year():
    assert _dates("From 17 to 24 April 2024, no cases were confirmed.") == [
        ((2024, 4, 17), "17 (= 2024-04-17)"),
        ((2024, 4, 24), "24 April 2024"),
    ]
    assert _dates("The fair ran April 17-24, 2024.") == [
        ((2024, 4, 17), "April 17"),
        ((2024, 4, 24), "24, 2024 (= 2024-04-24)"),
    ]
    assert [d for d, _ in _dates("between 5 and 9 May")] == [(None, 5, 5), (None, 5, 9)]
    # Without a month the numbers are no dates, and a range of pages is no figure.
    assert _dates("Pages 17-24 of the report") == []


def test_a_range_of_days_is_checked_day_by_day():
    findings = _findings(
        "The festival runs from 17 to 24 April 2024.",
        "The festival runs April 17-23, 2024 in Leeds.",
        "date",
    )
    assert [f.outcome for f in findings] == ["agrees", "conflicts"]
    assert findings[1].message == (
        "date mismatch: the claim says 24 April 2024, the source says 23, 2024 (= 2024-04-23)"
    )


def test_slash_dates_are_dates_read_only_as_far_as_they_are_unambiguous():
    assert _dates("on 17/4/2020") == [((2020, 4, 17), "17/4/2020")]
    assert _dates("on 4/17/2020") == [((2020, 4, 17), "4/17/2020")]
    # 3 April or March 4: only the year is certain, and the 3 is no count of anything.
    assert _values("on 3/4/2020 five people") == [("year", 2020.0, None), ("number", 5.0, None)]
    assert _values("on 3/4/20 there") == []
    assert _values("rated 6.4/10") == [("rating", 64.0, None)]


def test_a_figure_in_the_top_passage_is_still_compared_when_another_passage_is_checked():
    # The checks read the passage that repeats most of the claim's words (the second here);
    # the top-ranked passage, which gives the amount, must still be compared, not skipped.
    claim = "The Harbour Board said the barrier will cost 250 million euros."
    text = (
        "Barrier cost: 212 million euros.\n"
        "The Harbour Board said on Tuesday, after a long meeting that went on well into the "
        "evening at the town hall, that building work on the new barrier begins next spring.\n"
        "The weather in the harbour was calm all week."
    )
    result = crosscheck(ClaimInput(claim), [SourceInput("s0", text, "")], use_model=False)
    elsewhere = [f for f in result.findings if f.message.startswith("in another passage")]
    assert [f.message for f in elsewhere] == [
        "in another passage: number mismatch: the claim says 250 million, "
        "the source says 212 million"
    ]
    assert text[elsewhere[0].source_start : elsewhere[0].source_end] == "212 million"
