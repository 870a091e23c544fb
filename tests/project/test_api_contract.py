"""The public API contract of DESIGN.md, walked end to end with token authentication."""

import pytest
from rest_framework.test import APIClient

from tests.texts import ARTICLE_TEXT
from verification.checks.services import check_run_execute
from verification.facts.services import fact_publish
from verification.models import CheckRun
from verification.review.services import review_record

pytestmark = pytest.mark.django_db

SOURCE_TEXT = (
    "The White House named Ashot Mkrtychev, a 56-year-old Slovakian national, as the broker."
)


def test_a_claim_from_a_quote_selector_alone_gets_both_selectors(
    annotator, article_id, api_token_as
):
    response = api_token_as(annotator).post(
        "/api/v1/claims/",
        {
            "article": article_id,
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": "a 56-year-old Slovakian man 🙂",
                    "prefix": "Mkrtychev, ",
                    "suffix": ", for",
                }
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.data
    start = ARTICLE_TEXT.index("a 56-year-old")
    assert response.data["selector"][1] == {
        "type": "TextPositionSelector",
        "start": start,
        "end": start + 29,
    }
    assert response.data["anchor"] == "anchored"
    assert response.data["status"] == "draft"


def test_a_position_selector_outside_the_text_is_a_400_naming_the_selector(
    annotator, article_id, api_token_as
):
    response = api_token_as(annotator).post(
        "/api/v1/claims/",
        {
            "article": article_id,
            "selector": [{"type": "TextPositionSelector", "start": 5, "end": 10_000}],
        },
        format="json",
    )
    assert response.status_code == 400
    assert "selector" in response.data


def test_a_quote_not_in_the_article_is_a_400(annotator, article_id, api_token_as):
    response = api_token_as(annotator).post(
        "/api/v1/claims/",
        {
            "article": article_id,
            "selector": [{"type": "TextQuoteSelector", "exact": "a 65-year-old Slovenian"}],
        },
        format="json",
    )
    assert response.status_code == 400
    assert "not found" in str(response.data["selector"])


def test_an_outsider_cannot_create_articles_or_claims(outsider, article_id, api_token_as):
    client = api_token_as(outsider)
    assert (
        client.post("/api/v1/articles/", {"title": "x", "text": "y"}, format="json").status_code
        == 403
    )
    assert (
        client.post(
            "/api/v1/claims/", {"article": article_id, "selector": []}, format="json"
        ).status_code
        == 403
    )


def test_anonymous_writes_are_refused(article_id):
    assert (
        APIClient()
        .post("/api/v1/articles/", {"title": "x", "text": "y"}, format="json")
        .status_code
        == 401
    )


def test_patching_the_text_reanchors_the_claims(annotator, article_id, api_token_as):
    client = api_token_as(annotator)
    claim = client.post(
        "/api/v1/claims/",
        {
            "article": article_id,
            "selector": [{"type": "TextQuoteSelector", "exact": "broker deals"}],
        },
        format="json",
    ).data
    response = client.patch(
        f"/api/v1/articles/{article_id}/",
        {"text": "Breaking news.\n\n" + ARTICLE_TEXT},
        format="json",
    )
    assert response.status_code == 200
    assert response.data["reanchored"]["moved"] == 1
    moved = client.get(f"/api/v1/claims/{claim['id']}/").data
    assert moved["anchor"] == "moved"
    assert moved["selector"][1]["start"] == claim["selector"][1]["start"] + len(
        "Breaking news.\n\n"
    )


def test_the_whole_flow_from_claim_to_published_fact(
    annotator, reviewer, publisher, article_id, django_capture_on_commit_callbacks, api_token_as
):
    annotating = api_token_as(annotator)
    claim = annotating.post(
        "/api/v1/claims/",
        {
            "article": article_id,
            "speaker": "John Kirby",
            "kind": "statistic",
            "text": "Ashot Mkrtychev is a 56-year-old Slovakian man.",
            "selector": [{"type": "TextQuoteSelector", "exact": "a 56-year-old Slovakian man"}],
        },
        format="json",
    ).data
    source = annotating.post(
        f"/api/v1/claims/{claim['id']}/sources/",
        {"title": "White House briefing", "text": SOURCE_TEXT},
        format="json",
    )
    assert source.status_code == 201
    with django_capture_on_commit_callbacks(execute=False):
        submitted = annotating.post(f"/api/v1/claims/{claim['id']}/submit/")
    assert submitted.status_code == 202
    check_run_execute(run_id=str(CheckRun.objects.get(claim_id=claim["id"]).run_id))
    assert annotating.get(f"/api/v1/claims/{claim['id']}/").data["status"] == "needs_review"

    reviewing = api_token_as(reviewer)
    checks = reviewing.get(f"/api/v1/claims/{claim['id']}/checks/").data
    assert checks[0]["status"] == "succeeded"
    assert "56-year-old" in checks[0]["evidence"][0]["text"]
    taken = reviewing.post("/api/v1/queue/next/")
    assert taken.status_code == 200
    assert taken.data["id"] == claim["id"]
    assert reviewing.post("/api/v1/queue/next/").data["id"] == claim["id"]  # same lease back
    review = reviewing.post(
        f"/api/v1/claims/{claim['id']}/review/",
        {"verdict": "true", "rationale": "The briefing gives the same age and nationality."},
        format="json",
    )
    assert review.status_code == 201
    assert reviewing.post("/api/v1/queue/next/").status_code == 204
    assert reviewing.post(f"/api/v1/claims/{claim['id']}/publish/").status_code == 403

    published = api_token_as(publisher).post(f"/api/v1/claims/{claim['id']}/publish/")
    assert published.status_code == 201
    fact_id = published.data["id"]

    facts = APIClient().get("/api/v1/facts/")
    assert facts.status_code == 200
    assert set(facts.data) >= {"next", "previous", "results"}
    fact = facts.data["results"][0]
    assert (fact["id"], fact["verdict"], fact["rating_value"]) == (fact_id, "true", 5)
    assert fact["evidence"][0]["text"].startswith("The White House named")

    review_doc = APIClient().get(f"/api/v1/facts/{fact_id}/claimreview/").data
    assert review_doc["@type"] == "ClaimReview"
    assert review_doc["reviewRating"]["ratingValue"] == 5
    assert review_doc["itemReviewed"]["author"]["name"] == "John Kirby"

    matches = (
        APIClient()
        .post(
            "/api/v1/facts/match/",
            {"text": "Is Mkrtychev really a 56 year old Slovakian?", "limit": 3},
            format="json",
        )
        .data["results"]
    )
    assert matches[0]["id"] == fact_id
    assert 0 < matches[0]["score"] <= 1


def test_a_publisher_retracts_a_fact_and_it_stays_listed_as_retracted(
    reviewer, publisher, article_id, annotator, api_token_as
):
    from annotations.models import Article, Claim, ClaimStatus
    from annotations.services import claim_create, claim_transition

    claim = claim_create(
        article=Article.objects.get(pk=article_id), user=annotator, exact="broker deals"
    )
    claim_transition(claim=claim, to_status=ClaimStatus.SUBMITTED, actor=annotator)
    claim_transition(claim=claim, to_status=ClaimStatus.NEEDS_REVIEW, actor=None)
    review_record(
        claim=claim, reviewer=reviewer, verdict="unverifiable", rationale="No record."
    )
    fact = fact_publish(claim=claim, publisher=publisher)
    response = api_token_as(publisher).post(
        f"/api/v1/facts/{fact.pk}/retract/", {"reason": "Wrong article."}, format="json"
    )
    assert response.status_code == 200
    assert response.data["status"] == "retracted"
    assert APIClient().get("/api/v1/facts/").data["results"][0]["status"] == "retracted"
    assert (
        "ratingValue"
        not in APIClient().get(f"/api/v1/facts/{fact.pk}/claimreview/").data["reviewRating"]
    )
    assert Claim.objects.get(pk=claim.pk).status == "retracted"
    assert (
        APIClient()
        .post("/api/v1/facts/match/", {"text": "broker deals"}, format="json")
        .data["results"]
        == []
    )


def test_facts_list_answers_304_to_a_matching_etag():
    first = APIClient().get("/api/v1/facts/")
    assert first.status_code == 200
    again = APIClient().get("/api/v1/facts/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
