"""Reading ClaimReview records in every wrapping fact-checkers publish, and refusing bad ones."""

import json
from datetime import date

from verification.library.claimreview import (
    MAX_RECORD_BYTES,
    ClaimReviewRecord,
    RecordProblem,
    read_records,
)

REVIEW = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://checks.example.org/2024/bridge",
    "claimReviewed": "The  Valmora bridge cost 58 million euros.",
    "headline": "No, the bridge did not cost 58 million",
    "datePublished": "2024-03-05T10:00:00Z",
    "inLanguage": {"@type": "Language", "name": "en"},
    "author": {"@type": "Organization", "name": "Checks Weekly"},
    "reviewRating": {
        "@type": "Rating",
        "ratingValue": "2",
        "bestRating": 5,
        "worstRating": "1",
        "alternateName": "Mostly false",
    },
    "itemReviewed": {
        "@type": "Claim",
        "author": {"@type": "Person", "name": "Ines Duarte"},
        "appearance": [{"@type": "CreativeWork", "url": "https://news.example.com/a"}],
        "firstAppearance": "https://social.example.net/p/1",
    },
}


def _review(**changes) -> dict:
    return {**REVIEW, **changes}


def test_one_claimreview_object_is_read_with_every_kept_field():
    [record] = read_records(json.dumps(REVIEW))
    assert record == ClaimReviewRecord(
        url="https://checks.example.org/2024/bridge",
        claim_reviewed="The Valmora bridge cost 58 million euros.",
        headline="No, the bridge did not cost 58 million",
        rating_name="Mostly false",
        rating_value=2.0,
        best_rating=5.0,
        worst_rating=1.0,
        author_name="Checks Weekly",
        publisher_name="Checks Weekly",
        claim_author="Ines Duarte",
        reviewed_on=date(2024, 3, 5),
        language="en",
        appearance_urls=["https://news.example.com/a", "https://social.example.net/p/1"],
    )


def test_a_list_a_graph_and_a_datafeed_are_all_read():
    second = _review(url="https://checks.example.org/2", claimReviewed="Second claim")
    as_list = [REVIEW, second]
    graph = {"@context": "https://schema.org", "@graph": [{"@type": "WebPage"}, REVIEW, second]}
    feed = {
        "@context": "https://schema.org",
        "@type": "DataFeed",
        "dataFeedElement": [
            {"@type": "DataFeedItem", "item": [REVIEW]},
            {"@type": "DataFeedItem", "item": second},
        ],
    }
    for document in (as_list, graph, feed):
        urls = [record.url for record in read_records(json.dumps(document))]
        assert urls == [REVIEW["url"], second["url"]]


def test_json_lines_are_read_line_by_line_with_the_line_of_each_bad_record():
    lines = [
        json.dumps(REVIEW),
        "",
        "{not json",
        json.dumps(_review(url=None)),
        json.dumps(_review(url="https://checks.example.org/3", claimReviewed="  ")),
        json.dumps(_review(url="ftp://checks.example.org/4")),
        json.dumps(_review(url="https://x.example.org/5", claimReviewed="x" * MAX_RECORD_BYTES)),
        json.dumps(_review(url="https://checks.example.org/6", claimReviewed="Sixth")),
    ]
    items = list(read_records("\n".join(lines).encode()))
    problems = [str(item) for item in items if isinstance(item, RecordProblem)]
    assert [item.url for item in items if isinstance(item, ClaimReviewRecord)] == [
        REVIEW["url"],
        "https://checks.example.org/6",
    ]
    assert problems == [
        "line 3: not JSON: Expecting property name enclosed in double quotes at column 2",
        "line 4: no url",
        "line 5: no claim (claimReviewed is missing or empty)",
        "line 6: url is not a web address: 'ftp://checks.example.org/4'",
        "line 7: record too large: over 64 KiB",
    ]


def test_the_shared_claim_matching_lines_are_read():
    line = (
        '{"@context": "https://schema.org", "@type": "ClaimReview", '
        '"url": "https://claims.example.org/clef2020/vclaim/0", "claimReviewed": "122 detainees '
        'released.", "headline": "Did 122 Prisoners Return?", "author": {"@type": "Organization", '
        '"name": "Snopes"}, "reviewRating": {"@type": "Rating", "alternateName": "unknown"}}'
    )
    record, second = read_records(line + "\n" + line.replace("vclaim/0", "vclaim/1"))
    assert second.url == "https://claims.example.org/clef2020/vclaim/1"
    assert (record.publisher_name, record.rating_name, record.rating_value) == (
        "Snopes",
        "unknown",
        None,
    )


def test_odd_values_are_cleaned_not_trusted():
    [record] = read_records(
        json.dumps(
            _review(
                datePublished="last week",
                reviewRating={"ratingValue": "NaN", "bestRating": True, "alternateName": ["False"]},
                itemReviewed={
                    "appearance": ["javascript:alert(1)", {"url": "https://ok.example/"}]
                },
                inLanguage="de",
            )
        )
    )
    assert record.reviewed_on is None
    assert (record.rating_value, record.best_rating, record.rating_name) == (None, None, "False")
    assert record.appearance_urls == ["https://ok.example/"]
    assert record.language == "de"


def test_a_document_without_any_claimreview_is_one_problem():
    assert [str(p) for p in read_records('{"@type": "WebPage"}')] == [
        "item 1: no ClaimReview in this document"
    ]
    assert [str(p) for p in read_records("   ")] == ["line 1: empty document"]


def test_a_record_fingerprint_changes_with_any_field():
    [record] = read_records(json.dumps(REVIEW))
    [again] = read_records(json.dumps(REVIEW))
    [changed] = read_records(json.dumps(_review(headline="Another headline")))
    assert record.fingerprint() == again.fingerprint() != changed.fingerprint()
