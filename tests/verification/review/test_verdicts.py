"""Reviewers take claims from the queue under a lease and record verdicts; only reviewers may."""

import pytest
from django.core.exceptions import PermissionDenied

from verification.models import ReviewLease
from verification.review.services import queue_take_next, review_record

pytestmark = pytest.mark.django_db


def test_two_reviewers_taking_next_never_get_the_same_claim(
    waiting_claim, reviewer, second_reviewer
):
    first = queue_take_next(reviewer=reviewer)
    second = queue_take_next(reviewer=second_reviewer)
    assert first == waiting_claim
    assert second is None
    assert ReviewLease.objects.get(claim=waiting_claim).reviewer == reviewer


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [("annotator", False), ("reviewer", True), ("publisher", False), ("outsider", False)],
)
def test_only_reviewers_may_record_a_verdict(waiting_claim, request, persona, allowed):
    user = request.getfixturevalue(persona)
    if allowed:
        assert review_record(
            claim=waiting_claim, reviewer=user, verdict="true", rationale="Ok."
        ).pk
    else:
        with pytest.raises(PermissionDenied):
            review_record(
                claim=waiting_claim, reviewer=user, verdict="true", rationale="Ok."
            )
