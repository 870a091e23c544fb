"""Leases renewed and released, evidence added and removed by reviewers, kept across re-runs."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from annotations.models import ClaimStatus
from tests.verification.runs import finish_with
from verification.checks.services import check_run_request
from verification.models import Evidence, ReviewLease, SourceSnapshot
from verification.review.services import (
    evidence_add,
    evidence_remove,
    queue_take,
    queue_take_next,
    review_lease_release,
    review_lease_renew,
)
from verification.tasks import check_run_sweep_task

pytestmark = pytest.mark.django_db


def test_a_renewed_lease_moves_its_expiry_forward(checked_claim, reviewer, settings):
    queue_take_next(reviewer=reviewer)
    ReviewLease.objects.update(expires_at=timezone.now() + timedelta(minutes=1))
    lease = review_lease_renew(claim=checked_claim, reviewer=reviewer)
    almost_full = timedelta(minutes=settings.FACTDESK_LEASE_MINUTES - 1)
    assert lease.expires_at > timezone.now() + almost_full


def test_a_lease_released_by_the_sweeper_cannot_be_renewed(checked_claim, reviewer):
    queue_take_next(reviewer=reviewer)
    ReviewLease.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert check_run_sweep_task()["leases_released"] == 1
    with pytest.raises(ValidationError, match="no longer hold"):
        review_lease_renew(claim=checked_claim, reviewer=reviewer)


def test_someone_elses_lease_cannot_be_renewed(checked_claim, reviewer, second_reviewer):
    queue_take_next(reviewer=reviewer)
    with pytest.raises(ValidationError):
        review_lease_renew(claim=checked_claim, reviewer=second_reviewer)


def test_leaving_a_claim_puts_it_back_in_the_queue_for_the_next_reviewer(
    checked_claim, reviewer, second_reviewer
):
    queue_take_next(reviewer=reviewer)
    review_lease_release(claim=checked_claim, reviewer=reviewer)
    checked_claim.refresh_from_db()
    assert checked_claim.status == ClaimStatus.NEEDS_REVIEW
    assert checked_claim.transitions.last().reason == "The reviewer left it for someone else."
    assert queue_take_next(reviewer=second_reviewer) == checked_claim


def test_only_the_holder_can_leave_a_claim(checked_claim, reviewer, second_reviewer):
    queue_take_next(reviewer=reviewer)
    with pytest.raises(PermissionDenied, match="rita holds this claim"):
        review_lease_release(claim=checked_claim, reviewer=second_reviewer)
    assert ReviewLease.objects.get().reviewer == reviewer


def test_taking_a_chosen_claim_held_by_someone_else_is_refused(
    checked_claim, reviewer, second_reviewer
):
    queue_take(claim=checked_claim, reviewer=reviewer)
    with pytest.raises(PermissionDenied, match="rita holds"):
        queue_take(claim=checked_claim, reviewer=second_reviewer)


def test_a_reviewer_adds_a_passage_as_evidence_with_their_name(checked_claim, reviewer):
    queue_take_next(reviewer=reviewer)
    snapshot = SourceSnapshot.objects.get()
    start = snapshot.text.index("Work began")
    evidence = evidence_add(
        claim=checked_claim, snapshot=snapshot, start=start, end=start + 19, user=reviewer
    )
    assert evidence.text == "Work began in 2019."
    assert evidence.added_by == reviewer
    assert evidence.check_run == checked_claim.check_runs.get()
    with pytest.raises(ValidationError, match="already evidence"):
        evidence_add(
            claim=checked_claim, snapshot=snapshot, start=start, end=start + 19, user=reviewer
        )


@pytest.mark.parametrize(
    ("start", "end"),
    [(5, 5), (10, 2), (-1, 4), (0, 10_000)],
    ids=["empty", "reversed", "negative", "past-the-end"],
)
def test_evidence_outside_the_source_text_is_refused(checked_claim, reviewer, start, end):
    with pytest.raises(ValidationError):
        evidence_add(
            claim=checked_claim,
            snapshot=SourceSnapshot.objects.get(),
            start=start,
            end=end,
            user=reviewer,
        )


def test_evidence_from_a_source_of_another_claim_is_refused(checked_claim, reviewer, annotator):
    from annotations.services import claim_create, source_add_text
    from verification.sources.archive import source_archive

    other = claim_create(article=checked_claim.article, user=annotator, exact="Work began in 2019")
    snapshot = source_archive(
        source=source_add_text(claim=other, title="Other", text="Unrelated text.", user=annotator)
    )
    with pytest.raises(ValidationError, match="not of one of this claim"):
        evidence_add(claim=checked_claim, snapshot=snapshot, start=0, end=5, user=reviewer)


@pytest.mark.parametrize(("persona", "allowed"), [("reviewer", True), ("annotator", False)])
def test_only_reviewers_change_evidence(checked_claim, request, persona, allowed):
    user = request.getfixturevalue(persona)
    evidence = Evidence.objects.get()
    if allowed:
        evidence_remove(evidence=evidence, user=user)
        assert not Evidence.objects.exists()
    else:
        with pytest.raises(PermissionDenied):
            evidence_remove(evidence=evidence, user=user)


def test_evidence_of_a_claim_held_by_another_reviewer_cannot_be_changed(
    checked_claim, reviewer, second_reviewer
):
    queue_take_next(reviewer=reviewer)
    with pytest.raises(PermissionDenied, match="rita holds"):
        evidence_remove(evidence=Evidence.objects.get(), user=second_reviewer)


def test_evidence_a_person_added_survives_a_re_run(checked_claim, reviewer):
    queue_take_next(reviewer=reviewer)
    snapshot = SourceSnapshot.objects.get()
    start = snapshot.text.index("Work began")
    evidence_add(
        claim=checked_claim, snapshot=snapshot, start=start, end=start + 19, user=reviewer
    )
    run = check_run_request(claim=checked_claim, user=reviewer)
    finish_with(run)
    kept = run.evidence.get(added_by=reviewer)
    assert kept.text == "Work began in 2019."
    assert run.evidence.filter(added_by__isnull=True).count() == 1
    checked_claim.refresh_from_db()
    # The reviewer who asked for the re-run still holds the claim when it comes back.
    assert checked_claim.status == ClaimStatus.IN_REVIEW
    assert [t.to_status for t in checked_claim.transitions.all()][-2:] == [
        "needs_review",
        "in_review",
    ]


def test_adding_and_removing_evidence_is_in_the_claims_history(checked_claim, reviewer):
    queue_take_next(reviewer=reviewer)
    snapshot = SourceSnapshot.objects.get()
    start = snapshot.text.index("Work began")
    evidence = evidence_add(
        claim=checked_claim, snapshot=snapshot, start=start, end=start + 19, user=reviewer
    )
    evidence_remove(evidence=evidence, user=reviewer)
    notes = list(checked_claim.transitions.filter(reason__startswith="Evidence"))
    assert [n.reason for n in notes] == [
        "Evidence added: “Work began in 2019.”",
        "Evidence removed: “Work began in 2019.”",
    ]
    assert all(n.actor == reviewer and n.from_status == n.to_status == "in_review" for n in notes)
