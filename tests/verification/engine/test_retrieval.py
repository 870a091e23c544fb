"""Retrieval: BM25 scores, the shared index, and what the evidence list shows."""

import math

from verification.engine import ClaimInput, SourceInput, build_index, crosscheck
from verification.engine.bm25 import BM25
from verification.engine.text import passage_content_stems


def test_bm25_matches_the_textbook_formula():
    docs = [["budget", "bridge", "bridge"], ["budget"], ["river", "school", "bridge", "audit"]]
    scores = BM25(docs).scores(["bridge", "budget", "bridge", "absent"])
    n, avgdl, k1, b = 3, 8 / 3, 1.5, 0.75

    def expected(doc):
        total = 0.0
        for term in ("bridge", "budget"):
            df = sum(term in d for d in docs)
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            f = doc.count(term)
            total += idf * f / (f + k1 * (1 - b + b * len(doc) / avgdl))
        return total

    assert scores == [expected(d) for d in docs]
    assert BM25(docs).idf("absent") == 0.0


def test_month_abbreviations_match_the_full_name():
    assert passage_content_stems("25 Oct 2016") == passage_content_stems("25 October 2016")
    assert passage_content_stems("Sept. 3") == passage_content_stems("September 3")


def test_many_claims_share_one_index_and_get_the_same_answers():
    source = SourceInput(
        "s",
        "The bridge cost 56 million euros.\nTurnout was 58 percent.\nThe mayor opened it in 2019.",
    )
    claims = ["The bridge cost 56 million euros.", "Turnout was 60 percent.", "It opened in 2018."]
    index = build_index([source])
    for claim in claims:
        alone = crosscheck(ClaimInput(claim), [source], use_model=False)
        shared = crosscheck(ClaimInput(claim), [source], use_model=False, index=index)
        assert shared.to_dict() == alone.to_dict()


def test_evidence_shows_the_same_words_once_and_covers_each_part_of_the_claim():
    text = (
        "Mo Mowlam\n"
        "Mo Mowlam\n"
        "Mowlam was Northern Ireland secretary and helped broker the Good Friday agreement.\n"
        "Mowlam helped broker the Good Friday agreement, which Blair called her agreement.\n"
        "The Good Friday agreement that Mowlam helped broker was signed in 1998.\n"
        "She had two stepchildren, Henrietta and Freddie, from her marriage to Jon Norton.\n"
    )
    result = crosscheck(
        ClaimInput("Mowlam, who helped broker the Good Friday agreement, had two stepchildren."),
        [SourceInput("s", text)],
        use_model=False,
    )
    shown = [e.text for e in result.evidence]
    assert len(shown) == len(set(shown))
    top_two = " ".join(shown[:2])
    assert "Good Friday" in top_two and "stepchildren" in top_two


def test_a_heading_or_dateline_goes_with_the_line_it_introduces():
    from verification.engine.passages import split_passages

    text = "25 Oct 2016\nNazir Razak is the inaugural chair of the council.\nShort sentence.\nEnd"
    spans = [text[p.start : p.end] for p in split_passages(text)]
    assert spans == [
        "25 Oct 2016\nNazir Razak is the inaugural chair of the council.",
        "Short sentence.",
        "End",
    ]
