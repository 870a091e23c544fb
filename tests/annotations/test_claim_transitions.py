"""Every status change goes through one guarded service and leaves an audit record; an article
edit does not send an orphaned claim back to review twice."""

import pytest
from django.db import IntegrityError

from annotations.core.errors import TransitionError
from annotations.models import Claim, ClaimStatus, ClaimTransition
from annotations.services import article_update_text, claim_create, claim_transition
from tests.factories import ArticleFactory
from verification.review.services import queue_take_next, review_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim(annotator):
    article = ArticleFactory()
    return claim_create(article=article, user=annotator, exact="the bridge cost 56 million euros")


def test_a_transition_records_who_when_from_to_and_why(claim, annotator):
    claim_transition(claim=claim, to_status=ClaimStatus.SUBMITTED, actor=annotator, reason="ready")
    record = ClaimTransition.objects.get(claim=claim)
    assert (record.from_status, record.to_status, record.actor, record.reason) == (
        "draft",
        "submitted",
        annotator,
        "ready",
    )
    assert record.created_at is not None


def test_a_transition_not_in_the_lifecycle_is_refused_and_changes_nothing(claim, annotator):
    with pytest.raises(TransitionError, match="cannot become published"):
        claim_transition(claim=claim, to_status=ClaimStatus.PUBLISHED, actor=annotator)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DRAFT
    assert not ClaimTransition.objects.exists()


def test_a_second_attempt_from_a_stale_copy_fails_cleanly(claim, annotator):
    stale = Claim.objects.get(pk=claim.pk)
    claim_transition(claim=claim, to_status=ClaimStatus.SUBMITTED, actor=annotator)
    with pytest.raises(TransitionError):
        claim_transition(
            claim=stale,
            to_status=ClaimStatus.SUBMITTED,
            actor=annotator,
        )
    assert ClaimTransition.objects.filter(claim=claim).count() == 1


def test_the_database_refuses_a_status_outside_the_lifecycle(claim):
    with pytest.raises(IntegrityError):
        Claim.objects.filter(pk=claim.pk).update(status="approved")


def test_the_database_refuses_a_span_that_ends_before_it_starts(claim):
    with pytest.raises(IntegrityError):
        Claim.objects.filter(pk=claim.pk).update(position_start=10, position_end=5)


def test_a_claim_made_from_positions_keeps_the_exact_words_and_context(annotator):
    article = ArticleFactory()
    start = article.text.index("56 million")
    claim = claim_create(article=article, user=annotator, start=start, end=start + 10)
    assert claim.quote_exact == "56 million"
    assert claim.quote_prefix == article.text[max(0, start - 32) : start]
    assert claim.quote_suffix == article.text[start + 10 : start + 42]


def test_editing_the_article_again_leaves_an_orphaned_claim_where_it_is(waiting_claim, reviewer):
    article_update_text(
        article=waiting_claim.article, text="A wholly different text.", user=reviewer
    )
    queue_take_next(reviewer=reviewer)
    review_record(claim=waiting_claim, reviewer=reviewer, verdict="true", rationale="Ok.")
    article_update_text(article=waiting_claim.article, text="Yet another text.", user=reviewer)
    waiting_claim.refresh_from_db()
    assert waiting_claim.status == ClaimStatus.REVIEWED  # not sent back to review again
