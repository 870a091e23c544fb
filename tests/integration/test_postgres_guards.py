"""On PostgreSQL, concurrent attempts at the same state change: exactly one wins."""

import threading

import pytest
from django.db import connection

from annotations.core.errors import TransitionError
from annotations.models import ClaimStatus, ClaimTransition
from annotations.services import claim_create, claim_transition
from tests.factories import ArticleFactory
from verification.models import ReviewLease
from verification.review.services import queue_take_next

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(workers: int, action) -> list:
    barrier = threading.Barrier(workers)
    outcomes: list = []

    def run(index: int) -> None:
        barrier.wait()
        try:
            outcomes.append(("ok", action(index)))
        except Exception as error:  # noqa: BLE001 - the test records every outcome
            outcomes.append(("error", error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_eight_concurrent_submissions_of_one_claim_make_one_transition(annotator):
    claim = claim_create(article=ArticleFactory(), user=annotator, exact="Work began in 2019")
    outcomes = _race(
        8, lambda i: claim_transition(claim=claim, to_status=ClaimStatus.SUBMITTED, actor=annotator)
    )
    assert [kind for kind, _ in outcomes].count("ok") == 1
    assert all(isinstance(e, TransitionError) for kind, e in outcomes if kind == "error")
    assert ClaimTransition.objects.filter(claim=claim).count() == 1


def test_reviewers_taking_next_at_once_never_share_a_claim(annotator, roles):
    from tests.factories import UserFactory

    reviewers = [UserFactory(username=f"reviewer{i}", groups=["reviewer"]) for i in range(6)]
    article = ArticleFactory()
    for phrase in ("The mayor said", "Critics said", "Work began"):
        claim = claim_create(article=article, user=annotator, exact=phrase)
        claim_transition(claim=claim, to_status=ClaimStatus.SUBMITTED, actor=annotator)
        claim_transition(claim=claim, to_status=ClaimStatus.NEEDS_REVIEW, actor=None)
    outcomes = _race(6, lambda i: queue_take_next(reviewer=reviewers[i]))
    taken = [claim.pk for kind, claim in outcomes if kind == "ok" and claim is not None]
    assert len(taken) == 3
    assert len(set(taken)) == 3
    assert ReviewLease.objects.count() == 3
