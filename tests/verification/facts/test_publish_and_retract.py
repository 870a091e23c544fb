"""A second person publishes a verdict, and retracts a fact with its reason; who may do each."""

import pytest
from django.core.exceptions import PermissionDenied

from annotations.core.errors import TransitionError
from annotations.models import ClaimStatus
from annotations.services import article_update_text
from verification.facts.services import fact_publish, fact_retract
from verification.models import Fact, ReviewLease
from verification.review.services import queue_take_next, review_record

pytestmark = pytest.mark.django_db


def test_a_verdict_by_one_reviewer_is_published_by_another_person(
    waiting_claim, reviewer, publisher
):
    queue_take_next(reviewer=reviewer)
    review_record(
        claim=waiting_claim, reviewer=reviewer, verdict="true", rationale="Dated."
    )
    fact = fact_publish(claim=waiting_claim, publisher=publisher)
    waiting_claim.refresh_from_db()
    assert waiting_claim.status == ClaimStatus.PUBLISHED
    assert fact.review.verdict == "true"
    assert fact.review.rating_value == 5
    assert not ReviewLease.objects.exists()


def test_the_reviewer_cannot_publish_their_own_verdict(waiting_claim, reviewer_publisher):
    queue_take_next(reviewer=reviewer_publisher)
    review_record(
        claim=waiting_claim, reviewer=reviewer_publisher, verdict="false", rationale="Wrong year."
    )
    with pytest.raises(PermissionDenied, match="four-eyes"):
        fact_publish(claim=waiting_claim, publisher=reviewer_publisher)
    assert not Fact.objects.exists()


def test_a_single_person_desk_setting_lets_the_reviewer_publish(
    waiting_claim, reviewer_publisher, settings
):
    settings.FACTDESK_SINGLE_PERSON_DESK = True
    review_record(
        claim=waiting_claim, reviewer=reviewer_publisher, verdict="mixed", rationale="Partly."
    )
    assert fact_publish(claim=waiting_claim, publisher=reviewer_publisher).pk


def test_a_retracted_fact_stays_with_its_reason(waiting_claim, reviewer, publisher):
    review_record(claim=waiting_claim, reviewer=reviewer, verdict="true", rationale="Ok.")
    fact = fact_publish(claim=waiting_claim, publisher=publisher)
    fact_retract(fact=fact, user=publisher, reason="The source was corrected.")
    fact.refresh_from_db()
    waiting_claim.refresh_from_db()
    assert waiting_claim.status == ClaimStatus.RETRACTED
    assert fact.retraction_reason == "The source was corrected."


def test_the_reviewer_cannot_retract_their_own_verdict(
    waiting_claim, reviewer_publisher, publisher
):
    review_record(
        claim=waiting_claim, reviewer=reviewer_publisher, verdict="true", rationale="Ok."
    )
    fact = fact_publish(claim=waiting_claim, publisher=publisher)
    with pytest.raises(PermissionDenied, match="another publisher must retract it"):
        fact_retract(fact=fact, user=reviewer_publisher, reason="oops")
    fact.refresh_from_db()
    waiting_claim.refresh_from_db()
    assert fact.retracted_at is None
    assert waiting_claim.status == ClaimStatus.PUBLISHED


def test_a_single_person_desk_setting_lets_the_reviewer_retract(
    waiting_claim, reviewer_publisher, settings
):
    settings.FACTDESK_SINGLE_PERSON_DESK = True
    review_record(
        claim=waiting_claim, reviewer=reviewer_publisher, verdict="true", rationale="Ok."
    )
    fact = fact_publish(claim=waiting_claim, publisher=reviewer_publisher)
    fact_retract(fact=fact, user=reviewer_publisher, reason="Wrong year.")
    fact.refresh_from_db()
    assert fact.retraction_reason == "Wrong year."


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [("annotator", False), ("reviewer", False), ("publisher", True), ("outsider", False)],
)
def test_only_publishers_may_publish(waiting_claim, second_reviewer, request, persona, allowed):
    review_record(
        claim=waiting_claim, reviewer=second_reviewer, verdict="true", rationale="Ok."
    )
    user = request.getfixturevalue(persona)
    if allowed:
        assert fact_publish(claim=waiting_claim, publisher=user).pk
    else:
        with pytest.raises(PermissionDenied):
            fact_publish(claim=waiting_claim, publisher=user)


def test_a_claim_whose_words_left_the_article_is_not_published(waiting_claim, reviewer, publisher):
    article_update_text(
        article=waiting_claim.article, text="A wholly different text.", user=reviewer
    )
    waiting_claim.refresh_from_db()
    assert waiting_claim.anchor_state == "orphaned"
    queue_take_next(reviewer=reviewer)
    review_record(claim=waiting_claim, reviewer=reviewer, verdict="true", rationale="Ok.")
    with pytest.raises(TransitionError, match="no longer in the article"):
        fact_publish(claim=waiting_claim, publisher=publisher)
    assert not Fact.objects.exists()


