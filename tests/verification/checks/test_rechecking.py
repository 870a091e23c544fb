"""Who may check a claim again: the service rule, the claim page, the review page, the API."""

import pytest
from django.core.exceptions import PermissionDenied
from rest_framework.test import APIClient

from annotations.core.errors import TransitionError
from annotations.models import ClaimStatus
from verification.checks.services import check_run_refusal, check_run_request
from verification.facts.services import fact_publish
from verification.models import CheckRun
from verification.review.services import queue_take, review_record

pytestmark = pytest.mark.django_db


def claim_page(claim) -> str:
    return f"/admin/annotations/claim/{claim.pk}/change/"


def held_by(claim, reviewer):
    queue_take(claim=claim, reviewer=reviewer)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_REVIEW
    return claim


def reviewed_by(claim, reviewer):
    held_by(claim, reviewer)
    review_record(claim=claim, reviewer=reviewer, verdict="false", rationale="85.")
    claim.refresh_from_db()
    return claim


def test_a_claim_waiting_in_the_queue_can_be_checked_again_by_an_annotator_or_a_reviewer(
    checked_claim, annotator, reviewer
):
    assert check_run_refusal(claim=checked_claim, user=annotator) is None
    assert check_run_refusal(claim=checked_claim, user=reviewer) is None
    check_run_request(claim=checked_claim, user=annotator)
    assert checked_claim.check_runs.count() == 2


def test_only_the_reviewer_holding_a_claim_can_check_it_again(
    checked_claim, annotator, reviewer, second_reviewer
):
    held_by(checked_claim, reviewer)
    for other in (annotator, second_reviewer):
        with pytest.raises(PermissionDenied, match=r"rita holds this claim in review until"):
            check_run_request(claim=checked_claim, user=other)
    assert checked_claim.check_runs.count() == 1
    check_run_request(claim=checked_claim, user=reviewer)
    assert checked_claim.check_runs.count() == 2


def test_a_reviewed_claim_is_checked_again_only_by_a_reviewer(checked_claim, annotator, reviewer):
    reviewed_by(checked_claim, reviewer)
    with pytest.raises(PermissionDenied, match="only a reviewer can check it again"):
        check_run_request(claim=checked_claim, user=annotator)
    assert checked_claim.check_runs.count() == 1
    check_run_request(claim=checked_claim, user=reviewer)
    assert checked_claim.check_runs.count() == 2


def test_a_published_claim_is_not_checked_again_by_anyone(
    checked_claim, annotator, reviewer, publisher
):
    reviewed_by(checked_claim, reviewer)
    fact_publish(claim=checked_claim, publisher=publisher)
    checked_claim.refresh_from_db()
    for user in (annotator, reviewer):
        with pytest.raises(TransitionError, match="A published claim cannot be re-checked"):
            check_run_request(claim=checked_claim, user=user)


def test_the_claim_page_hides_check_again_while_a_reviewer_holds_the_claim_and_refuses_it(
    client, checked_claim, annotator, reviewer
):
    client.force_login(annotator)
    assert "Check again" in client.get(claim_page(checked_claim)).content.decode()
    held_by(checked_claim, reviewer)
    assert "Check again" not in client.get(claim_page(checked_claim)).content.decode()
    response = client.post(f"/admin/annotations/claim/{checked_claim.pk}/check/", follow=True)
    assert "Rita holds this claim in review until" in response.content.decode()
    assert "The check is queued again" not in response.content.decode()
    assert CheckRun.objects.filter(claim=checked_claim).count() == 1
    checked_claim.refresh_from_db()
    assert checked_claim.status == ClaimStatus.IN_REVIEW
    client.force_login(reviewer)
    assert "Check again" in client.get(claim_page(checked_claim)).content.decode()


def test_the_claim_page_of_a_reviewed_claim_offers_check_again_to_reviewers_only(
    client, checked_claim, annotator, reviewer
):
    reviewed_by(checked_claim, reviewer)
    client.force_login(annotator)
    assert "Check again" not in client.get(claim_page(checked_claim)).content.decode()
    response = client.post(f"/admin/annotations/claim/{checked_claim.pk}/check/", follow=True)
    assert "only a reviewer can check it again" in response.content.decode()
    checked_claim.refresh_from_db()
    assert checked_claim.status == ClaimStatus.REVIEWED
    client.force_login(reviewer)
    assert "Check again" in client.get(claim_page(checked_claim)).content.decode()


def test_the_review_page_offers_re_run_only_to_the_reviewer_holding_the_claim(
    client, checked_claim, annotator, reviewer, second_reviewer
):
    held_by(checked_claim, reviewer)
    review = f"/admin/annotations/claim/{checked_claim.pk}/review/"
    for other in (annotator, second_reviewer):
        client.force_login(other)
        assert 'id="fd-rerun"' not in client.get(review).content.decode()
        client.post(f"{review}rerun/")
    assert checked_claim.check_runs.count() == 1
    client.force_login(reviewer)
    assert 'id="fd-rerun"' in client.get(review).content.decode()


def test_the_api_refuses_a_re_check_of_a_claim_a_reviewer_holds(checked_claim, annotator, reviewer):
    held_by(checked_claim, reviewer)
    client = APIClient()
    client.force_authenticate(annotator)
    response = client.post(f"/api/v1/claims/{checked_claim.pk}/checks/")
    assert response.status_code == 403
    assert "rita holds this claim in review" in str(response.json())
    assert checked_claim.check_runs.count() == 1
