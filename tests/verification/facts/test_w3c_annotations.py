"""Exported annotations meet every MUST of the W3C Web Annotation test suite."""

import json

import pytest
from rest_framework.test import APIClient

from annotations.models import ClaimStatus
from annotations.services import claim_create, claim_transition
from tests.factories import ArticleFactory
from tests.w3c_validation import FIXTURES, must_failures
from verification.facts.services import fact_publish
from verification.review.services import review_record

pytestmark = pytest.mark.django_db


def test_the_validator_accepts_a_valid_sample_and_rejects_invalid_ones():
    assert must_failures(json.loads((FIXTURES / "samples/correct/anno1.json").read_text())) == []
    incorrect = sorted((FIXTURES / "samples/incorrect").glob("*.json"))
    # The suite's README: 38 of its 39 incorrect samples fail a MUST (anno6 needs a URI checker);
    # some are deliberately not JSON at all (trailing commas), which is a rejection too.
    assert len([p for p in incorrect if _rejected(p.read_text(encoding="utf-8"))]) >= 38


def _rejected(text: str) -> bool:
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        return True
    return not isinstance(document, dict) or bool(must_failures(document))


def test_a_claim_exports_as_a_valid_highlighting_annotation(annotator):
    claim = claim_create(article=ArticleFactory(), user=annotator, exact="Work began in 2019")
    client = APIClient()
    client.force_authenticate(annotator)
    document = client.get(f"/api/v1/claims/{claim.pk}/annotation/").json()
    assert must_failures(document) == []
    assert document["motivation"] == "highlighting"
    quote, position = document["target"]["selector"]
    assert quote["exact"] == "Work began in 2019"
    assert position["end"] - position["start"] == len("Work began in 2019")


def test_a_published_fact_exports_as_a_valid_assessing_annotation(annotator, reviewer, publisher):
    claim = claim_create(article=ArticleFactory(), user=annotator, exact="cost 56 million euros")
    claim_transition(claim=claim, to_status=ClaimStatus.SUBMITTED, actor=annotator)
    claim_transition(claim=claim, to_status=ClaimStatus.NEEDS_REVIEW, actor=None)
    review_record(
        claim=claim,
        reviewer=reviewer,
        verdict="mostly_false",
        rationale="The audit says 58 million.",
    )
    fact = fact_publish(claim=claim, publisher=publisher)
    document = APIClient().get(f"/api/v1/facts/{fact.pk}/annotation/").json()
    assert must_failures(document) == []
    assert document["motivation"] == "assessing"
    assert document["body"][1]["value"] == "mostly_false"


def test_an_annotation_without_a_target_is_caught_by_the_validator(annotator):
    claim = claim_create(article=ArticleFactory(), user=annotator, exact="Work began in 2019")
    client = APIClient()
    client.force_authenticate(annotator)
    document = client.get(f"/api/v1/claims/{claim.pk}/annotation/").json()
    del document["target"]
    assert must_failures(document)
