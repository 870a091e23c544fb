"""Filters of GET facts/ that a reader types by hand."""

import pytest
from rest_framework.test import APIClient

from annotations.models import ClaimStatus
from annotations.services import claim_create, claim_transition
from tests.factories import ArticleFactory
from verification.facts.services import fact_publish
from verification.review.services import review_record

pytestmark = pytest.mark.django_db


def _published(annotator, reviewer, publisher, **claim_fields):
    """A published fact on a claim with these fields."""
    claim = claim_create(
        article=ArticleFactory(), user=annotator, exact="Work began in 2019", **claim_fields
    )
    claim_transition(claim=claim, to_status=ClaimStatus.SUBMITTED, actor=annotator)
    claim_transition(claim=claim, to_status=ClaimStatus.NEEDS_REVIEW, actor=None)
    review_record(claim=claim, reviewer=reviewer, verdict="true", rationale="Dated.")
    return fact_publish(claim=claim, publisher=publisher)


def test_the_speaker_filter_takes_part_of_the_name_in_any_case(annotator, reviewer, publisher):
    fact = _published(annotator, reviewer, publisher, speaker="Dmitry Peskov")
    client = APIClient()
    for name in ("peskov", "Dmitry Peskov", "DMITRY"):
        rows = client.get("/api/v1/facts/", {"speaker": name}).json()["results"]
        assert [r["id"] for r in rows] == [fact.pk]
    assert client.get("/api/v1/facts/", {"speaker": "Medvedev"}).json()["results"] == []


def test_the_tag_filter_finds_a_tag_typed_in_any_case(annotator, reviewer, publisher):
    fact = _published(annotator, reviewer, publisher, tags=["flooding"])
    client = APIClient()
    for name in ("flooding", "Flooding", "FLOODING"):
        rows = client.get("/api/v1/facts/", {"tag": name}).json()["results"]
        assert [r["id"] for r in rows] == [fact.pk]
    assert client.get("/api/v1/facts/", {"tag": "flood"}).json()["results"] == []
