"""GET queue/ takes the filters the admin queue offers: article, kind, stance, mine."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from annotations.models import ClaimStatus
from annotations.services import claim_create, claim_transition
from tests.factories import ArticleFactory
from verification.models import CheckRun
from verification.review.services import queue_take

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(annotator):
    """Three claims waiting: two in one article (refutes, supports), one in another (failed)."""
    first, second = ArticleFactory(), ArticleFactory()
    made = {}
    for name, article, exact, kind, stance, status in (
        ("refuted", first, "The mayor said", "statistic", "refutes", "succeeded"),
        ("supported", first, "Critics said", "quote", "supports", "succeeded"),
        ("failed", second, "Work began in 2019", "statistic", "", "failed"),
    ):
        claim = claim_create(article=article, user=annotator, exact=exact, kind=kind)
        claim_transition(claim=claim, to_status=ClaimStatus.SUBMITTED, actor=annotator)
        claim_transition(claim=claim, to_status=ClaimStatus.NEEDS_REVIEW, actor=None)
        CheckRun.objects.create(
            claim=claim, status=status, stance=stance, confidence=0.9, deadline_at=timezone.now()
        )
        made[name] = claim
    made["first"], made["second"] = first, second
    return made


def ids(reviewer, **params) -> list[int]:
    client = APIClient()
    client.force_authenticate(reviewer)
    response = client.get("/api/v1/queue/", params)
    assert response.status_code == 200, response.data
    return sorted(claim["id"] for claim in response.json())


def test_the_queue_api_filters_by_article(queue, reviewer):
    assert ids(reviewer, article=queue["first"].pk) == sorted(
        [queue["refuted"].pk, queue["supported"].pk]
    )
    assert ids(reviewer, article=queue["second"].pk) == [queue["failed"].pk]


def test_the_queue_api_filters_by_machine_stance_and_failed_checks(queue, reviewer):
    assert ids(reviewer, stance="refutes") == [queue["refuted"].pk]
    assert ids(reviewer, stance="failed") == [queue["failed"].pk]
    assert ids(reviewer, stance="refutes", article=queue["second"].pk) == []


def test_the_queue_api_filters_by_kind_and_by_what_i_hold(queue, reviewer):
    assert ids(reviewer, kind="quote") == [queue["supported"].pk]
    queue_take(claim=queue["failed"], reviewer=reviewer)
    assert ids(reviewer, mine="true") == [queue["failed"].pk]


def test_a_malformed_queue_filter_is_a_400_naming_it(queue, reviewer):
    client = APIClient()
    client.force_authenticate(reviewer)
    for param, value in (("article", "abc"), ("stance", "maybe"), ("kind", "poem")):
        response = client.get("/api/v1/queue/", {param: value})
        assert response.status_code == 400
        assert param in response.json()
