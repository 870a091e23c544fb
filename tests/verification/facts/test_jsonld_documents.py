"""The JSON-LD endpoints: content negotiation, retraction in the documents, a public target."""

import json

import pytest
from rest_framework.test import APIClient

from annotations.models import ClaimStatus
from annotations.services import claim_create, claim_transition
from tests.factories import ArticleFactory
from tests.w3c_validation import must_failures
from verification.facts.services import fact_publish, fact_retract
from verification.review.services import review_record

pytestmark = pytest.mark.django_db

ANNO_PROFILE = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
JSON_CLIENT_ACCEPTS = [
    "application/ld+json",
    ANNO_PROFILE,
    "application/json",
    "*/*",
    "application/ld+json;q=0.9, application/json;q=0.8",
    None,
]
DOCUMENTS = [
    ("claimreview", "application/ld+json", "ClaimReview"),
    ("annotation", ANNO_PROFILE, "Annotation"),
]


@pytest.fixture
def publish(annotator, reviewer, publisher):
    def publish_one(*, url: str = ""):
        claim = claim_create(
            article=ArticleFactory(url=url), user=annotator, exact="cost 56 million euros"
        )
        claim_transition(claim=claim, to_status=ClaimStatus.SUBMITTED, actor=annotator)
        claim_transition(claim=claim, to_status=ClaimStatus.NEEDS_REVIEW, actor=None)
        review_record(claim=claim, reviewer=reviewer, verdict="true", rationale="Matches.")
        return fact_publish(claim=claim, publisher=publisher)

    return publish_one


def _get(path: str, accept: str | None = None):
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    return APIClient().get(path, **headers)


@pytest.mark.parametrize("accept", JSON_CLIENT_ACCEPTS)
@pytest.mark.parametrize(("document", "content_type", "kind"), DOCUMENTS)
def test_every_json_client_gets_the_jsonld_document_labelled_as_jsonld(
    publish, accept, document, content_type, kind
):
    fact = publish()
    response = _get(f"/api/v1/facts/{fact.pk}/{document}/", accept)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    body = json.loads(response.content)
    assert kind in (body.get("@type"), body.get("type"))


@pytest.mark.parametrize(("document", "content_type", "kind"), DOCUMENTS)
def test_a_browser_gets_html_labelled_as_html(publish, document, content_type, kind):
    fact = publish()
    response = _get(
        f"/api/v1/facts/{fact.pk}/{document}/",
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"<html" in response.content
    assert kind.encode() in response.content


def test_a_web_annotation_carries_the_protocols_headers(publish):
    fact = publish()
    response = _get(f"/api/v1/facts/{fact.pk}/annotation/", ANNO_PROFILE)
    assert response["Link"] == '<http://www.w3.org/ns/ldp#Resource>; rel="type"'
    assert "Accept" in response["Vary"]
    assert "GET" in response["Allow"]


def test_the_claims_own_annotation_is_labelled_with_the_annotation_profile(annotator):
    claim = claim_create(article=ArticleFactory(), user=annotator, exact="Work began in 2019")
    client = APIClient()
    client.force_authenticate(annotator)
    response = client.get(f"/api/v1/claims/{claim.pk}/annotation/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response["Content-Type"] == ANNO_PROFILE


def test_the_annotation_targets_the_articles_own_address(publish):
    fact = publish(url="https://news.example.org/bridge")
    document = _get(f"/api/v1/facts/{fact.pk}/annotation/").json()
    assert document["target"]["source"] == "https://news.example.org/bridge"


def test_without_an_address_the_public_annotation_does_not_point_into_the_private_api(publish):
    fact = publish()
    document = _get(f"/api/v1/facts/{fact.pk}/annotation/").json()
    source = document["target"]["source"]
    assert source.startswith("urn:uuid:")
    assert must_failures(document) == []
    # The same article is named the same way every time, whatever host name was asked.
    assert _get(f"/api/v1/facts/{fact.pk}/annotation/").json()["target"]["source"] == source
    other_host = APIClient().get(f"/api/v1/facts/{fact.pk}/annotation/", HTTP_HOST="127.0.0.1")
    assert other_host.json()["target"]["source"] == source


@pytest.mark.parametrize(("document", "content_type", "kind"), DOCUMENTS)
def test_format_json_in_the_query_gets_the_document(publish, document, content_type, kind):
    fact = publish()
    response = APIClient().get(f"/api/v1/facts/{fact.pk}/{document}/?format=json")
    assert response.status_code == 200
    assert response.json()["@type" if kind == "ClaimReview" else "type"] == kind


def _retract(fact, publisher):
    fact_retract(fact=fact, user=publisher, reason="The audit was revised.")
    fact.refresh_from_db()
    return fact.retracted_at.date().isoformat()


def test_a_retracted_facts_annotation_says_it_was_retracted_when_and_why(publish, publisher):
    fact = publish()
    day = _retract(fact, publisher)
    document = _get(f"/api/v1/facts/{fact.pk}/annotation/").json()
    assessing, tagging = document["body"]
    assert assessing["value"].startswith(f"Retracted on {day}: The audit was revised.")
    assert not assessing["value"].startswith("True")
    assert tagging["value"] == "retracted"
    assert must_failures(document) == []


def test_a_retracted_facts_claimreview_rates_it_retracted_when_and_why(publish, publisher):
    fact = publish()
    day = _retract(fact, publisher)
    document = _get(f"/api/v1/facts/{fact.pk}/claimreview/").json()
    rating = document["reviewRating"]
    assert rating["alternateName"] == "Retracted"
    assert "ratingValue" not in rating
    assert rating["ratingExplanation"] == f"Retracted on {day}: The audit was revised."
    assert document["reviewBody"].startswith(f"Retracted on {day}")
    assert document["correction"] == {
        "@type": "CorrectionComment",
        "text": f"Retracted on {day}: The audit was revised.",
        "datePublished": day,
    }
    assert document["dateModified"] == day


def test_a_published_facts_documents_are_not_marked_retracted(publish):
    fact = publish()
    review = _get(f"/api/v1/facts/{fact.pk}/claimreview/").json()
    annotation = _get(f"/api/v1/facts/{fact.pk}/annotation/").json()
    assert review["reviewRating"]["alternateName"] == "True"
    assert "correction" not in review
    assert annotation["body"][0]["value"] == "True: Matches."
    assert annotation["body"][1]["value"] == "true"
