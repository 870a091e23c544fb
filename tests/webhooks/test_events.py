"""The desk's own steps emit events, with the objects as the API shows them."""

import json

import pytest

from annotations.models import ClaimStatus
from annotations.services import claim_create, claim_transition
from tests.factories import ArticleFactory
from verification.webhooks.models import Event

pytestmark = pytest.mark.django_db


def _bodies(event_type: str) -> list[dict]:
    return [
        json.loads(e.body) for e in Event.objects.filter(type=event_type).order_by("created_at")
    ]


def test_a_claim_sent_for_checking_and_then_to_the_queue_emits_two_claim_events(
    subscription, annotator
):
    claim = claim_create(article=ArticleFactory(), user=annotator, exact="The mayor said")
    claim_transition(claim=claim, to_status=ClaimStatus.SUBMITTED, actor=annotator)
    claim_transition(claim=claim, to_status=ClaimStatus.NEEDS_REVIEW, actor=None)

    [submitted] = _bodies("claim.submitted")
    [needs_review] = _bodies("claim.needs_review")
    assert submitted["data"]["claim"]["id"] == claim.pk
    assert submitted["data"]["claim"]["status"] == "submitted"
    assert needs_review["data"]["claim"]["status"] == "needs_review"
    assert needs_review["data"]["claim"]["selector"][0]["exact"] == "The mayor said"
    assert "created_by" not in needs_review["data"]["claim"]


def test_a_desk_without_subscriptions_stores_no_events(annotator):
    claim = claim_create(article=ArticleFactory(), user=annotator, exact="The mayor said")
    claim_transition(claim=claim, to_status=ClaimStatus.SUBMITTED, actor=annotator)
    assert Event.objects.count() == 0
