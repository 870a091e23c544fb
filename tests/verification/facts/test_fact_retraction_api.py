"""Retracting facts through the API, and reading published and retracted facts apart."""

from urllib.parse import quote

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from annotations.models import ClaimStatus
from annotations.services import article_update_text, claim_create, claim_transition
from tests.factories import ArticleFactory
from verification.facts.services import fact_publish, fact_retract
from verification.review.services import review_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def publish(annotator, reviewer, publisher):
    def publish_one(exact: str, *, by_reviewer=None):
        claim = claim_create(article=ArticleFactory(), user=annotator, exact=exact)
        claim_transition(claim=claim, to_status=ClaimStatus.SUBMITTED, actor=annotator)
        claim_transition(claim=claim, to_status=ClaimStatus.NEEDS_REVIEW, actor=None)
        review_record(
            claim=claim, reviewer=by_reviewer or reviewer, verdict="true", rationale="Matches."
        )
        return fact_publish(claim=claim, publisher=publisher)

    return publish_one


def test_the_reviewer_who_gave_the_verdict_cannot_retract_it_through_the_api(
    publish, reviewer_publisher
):
    fact = publish("Work began in 2019", by_reviewer=reviewer_publisher)
    client = APIClient()
    client.force_authenticate(reviewer_publisher)
    response = client.post(f"/api/v1/facts/{fact.pk}/retract/", {"reason": "oops"}, format="json")
    assert response.status_code == 403
    assert "another publisher must retract it" in response.json()["detail"]
    fact.refresh_from_db()
    assert fact.retracted_at is None


@pytest.fixture
def both(publish, publisher):
    live = publish("Work began in 2019")
    gone = publish("two years late")
    fact_retract(fact=gone, user=publisher, reason="Wrong year.")
    return live, gone


def _ids(query: str = "") -> list[int]:
    response = APIClient().get(f"/api/v1/facts/{query}")
    assert response.status_code == 200
    return [row["id"] for row in response.json()["results"]]


def test_the_status_filter_picks_published_or_retracted_facts(both):
    live, gone = both
    assert _ids("?status=published") == [live.pk]
    assert _ids("?status=retracted") == [gone.pk]


def test_the_default_list_keeps_retracted_facts_so_syncing_clients_see_retractions(both):
    live, gone = both
    assert sorted(_ids()) == sorted([live.pk, gone.pk])


def test_an_unknown_status_is_a_400_naming_the_filter(both):
    response = APIClient().get("/api/v1/facts/?status=withdrawn")
    assert response.status_code == 400
    assert "status" in response.json()


def test_updated_after_finds_a_retraction_made_after_the_client_last_looked(both, publisher):
    live, gone = both
    since = timezone.now()
    assert _ids(f"?updated_after={quote(since.isoformat())}") == []
    fact_retract(fact=live, user=publisher, reason="The report was withdrawn.")
    # Published before `since`, so published_after alone would never show the retraction.
    assert _ids(f"?published_after={quote(since.isoformat())}") == []
    assert _ids(f"?updated_after={quote(since.isoformat())}") == [live.pk]


def test_a_fact_whose_article_was_edited_says_so_and_can_still_be_retracted(
    publish, publisher, reviewer
):
    fact = publish("Work began in 2019")
    since = timezone.now()
    article_update_text(article=fact.claim.article, text="A wholly new text.", user=reviewer)
    fact.claim.refresh_from_db()
    assert fact.claim.status == ClaimStatus.NEEDS_REVIEW  # back in review, anchor orphaned
    row = APIClient().get(f"/api/v1/facts/{fact.pk}/").json()
    assert (row["status"], row["under_review"]) == ("published", True)
    assert _ids(f"?updated_after={quote(since.isoformat())}") == [fact.pk]
    client = APIClient()
    client.force_authenticate(publisher)
    response = client.post(
        f"/api/v1/facts/{fact.pk}/retract/", {"reason": "The article changed."}, format="json"
    )
    assert response.status_code == 200, response.content
    row = APIClient().get(f"/api/v1/facts/{fact.pk}/").json()
    assert (row["status"], row["under_review"]) == ("retracted", False)
