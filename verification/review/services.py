"""The review queue: leases, verdicts, and the evidence reviewers choose."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from annotations.anchoring import canonical_text
from annotations.core.errors import TransitionError
from annotations.core.roles import (
    PERM_EVIDENCE_ADD,
    PERM_EVIDENCE_REMOVE,
    PERM_REVIEW,
    permission_require,
)
from annotations.models import Claim, ClaimStatus, Source
from annotations.services import claim_history_note, claim_transition
from annotations.text import shorten
from verification import events, selectors
from verification.models import (
    OPEN_RUN_STATUSES,
    Evidence,
    Review,
    ReviewLease,
    SourceSnapshot,
    Verdict,
)

S = ClaimStatus


# Claims a reviewer is working on: evidence can be changed and the lease matters.
REVIEWABLE = (S.NEEDS_REVIEW, S.IN_REVIEW)


def queue_take_next(*, reviewer: AbstractBaseUser) -> Claim | None:
    """Lease the next claim waiting for review to this reviewer; None when the queue is empty.

    Two reviewers never get the same claim: the lease row is unique per claim and the status
    change is conditional, so the loser of a race simply tries the next candidate.
    """
    permission_require(reviewer, PERM_REVIEW, "review claims")
    review_lease_release_expired()
    held = (
        ReviewLease.objects.filter(reviewer=reviewer, expires_at__gt=timezone.now())
        .select_related("claim")
        .order_by("taken_at", "id")
        .first()
    )
    if held is not None:
        return held.claim
    candidates = selectors.claim_list_for_queue().filter(status=S.NEEDS_REVIEW, lease__isnull=True)
    for claim in candidates[:20]:
        if _lease_take(claim=claim, reviewer=reviewer, reason="Taken from the queue."):
            return claim
    return None


def queue_take(*, claim: Claim, reviewer: AbstractBaseUser) -> ReviewLease:
    """Lease one chosen claim to this reviewer (the queue page's "Review" on a free claim)."""
    permission_require(reviewer, PERM_REVIEW, "review claims")
    review_lease_release_expired()
    lease = ReviewLease.objects.filter(claim=claim).select_related("reviewer").first()
    if lease is not None:
        if lease.reviewer_id == reviewer.pk:
            return lease
        raise _held_by_other(lease)
    if not _lease_take(claim=claim, reviewer=reviewer, reason="Taken from the queue."):
        raise ValidationError(
            gettext("This claim is not waiting for review any more; reload the queue.")
        )
    return ReviewLease.objects.get(claim=claim)


def _lease_take(*, claim: Claim, reviewer: AbstractBaseUser, reason: str) -> bool:
    try:
        with transaction.atomic():
            ReviewLease.objects.create(
                claim=claim,
                reviewer=reviewer,
                expires_at=timezone.now() + timedelta(minutes=settings.FACTDESK_LEASE_MINUTES),
            )
            claim_transition(claim=claim, to_status=S.IN_REVIEW, actor=reviewer, reason=reason)
    except (IntegrityError, TransitionError):
        return False
    return True


def review_lease_renew(*, claim: Claim, reviewer: AbstractBaseUser) -> ReviewLease:
    """Extend the reviewer's hold on a claim they are working on (the review page's heartbeat).

    The update is conditional on the lease still being this reviewer's: if it expired and was
    released in the meantime, nothing is renewed and the reviewer is told to take it again.
    """
    permission_require(reviewer, PERM_REVIEW, "review claims")
    expires_at = timezone.now() + timedelta(minutes=settings.FACTDESK_LEASE_MINUTES)
    renewed = ReviewLease.objects.filter(claim=claim, reviewer=reviewer).update(
        expires_at=expires_at
    )
    if renewed != 1:
        raise ValidationError(
            gettext(
                "You no longer hold this claim (your lease ended); take it again from the queue."
            )
        )
    return ReviewLease.objects.get(claim=claim)


def review_lease_release(*, claim: Claim, reviewer: AbstractBaseUser) -> None:
    """Give a claim back to the queue without a verdict (the review page's "Leave").

    Only the lease's holder may: someone else's live lease is a PermissionDenied; no lease of
    this reviewer (never taken, already released, expired and swept) is a TransitionError.
    """
    with transaction.atomic():
        # Deleting only this reviewer's row is the guard: of two concurrent releases one wins.
        deleted, _ = ReviewLease.objects.filter(claim=claim, reviewer=reviewer).delete()
        if not deleted:
            _require_not_held_by_other(claim, reviewer)
            raise TransitionError(
                gettext(
                    "You do not hold this claim (it was never taken by you, or your lease "
                    "ended), so there is nothing to release."
                )
            )
        try:
            claim_transition(
                claim=claim,
                to_status=S.NEEDS_REVIEW,
                actor=reviewer,
                reason="The reviewer left it for someone else.",
                from_statuses=(S.IN_REVIEW,),
            )
        except TransitionError:
            pass  # A re-run is checking it: it returns to the queue when the check is done.


def review_lease_release_expired() -> int:
    released = 0
    for lease in ReviewLease.objects.filter(expires_at__lte=timezone.now()).select_related("claim"):
        with transaction.atomic():
            if ReviewLease.objects.filter(pk=lease.pk, expires_at__lte=timezone.now()).delete()[0]:
                released += 1
                try:
                    claim_transition(
                        claim=lease.claim,
                        to_status=S.NEEDS_REVIEW,
                        actor=None,
                        reason="The reviewer's lease expired.",
                        from_statuses=(S.IN_REVIEW,),
                    )
                except TransitionError:
                    pass  # The claim moved on (verdict given) before its lease ran out.
    return released


def _held_by_other(lease: ReviewLease) -> PermissionDenied:
    return PermissionDenied(
        gettext("%(reviewer)s holds this claim until %(time)s.")
        % {"reviewer": lease.reviewer, "time": f"{lease.expires_at:%H:%M}"}
    )


def _require_not_held_by_other(claim: Claim, user: AbstractBaseUser) -> None:
    lease = selectors.review_lease_held_by_other(claim, user)
    if lease is not None:
        raise _held_by_other(lease)


def review_record(
    *, claim: Claim, reviewer: AbstractBaseUser, verdict: str, rationale: str
) -> Review:
    """Record a verdict with its rationale; the claim becomes reviewed and its lease is released."""
    permission_require(reviewer, PERM_REVIEW, "review claims")
    if verdict not in Verdict.values:
        raise ValidationError(
            {
                "verdict": gettext("Unknown verdict %(verdict)r; use one of %(choices)s.")
                % {"verdict": verdict, "choices": Verdict.values}
            }
        )
    if not rationale.strip():
        raise ValidationError(
            {"rationale": gettext("Explain the verdict: the rationale is published with it.")}
        )
    _require_not_held_by_other(claim, reviewer)
    with transaction.atomic():
        claim_transition(
            claim=claim, to_status=S.REVIEWED, actor=reviewer, reason=f"Verdict: {verdict}."
        )
        review = Review.objects.create(
            claim=claim,
            reviewer=reviewer,
            verdict=verdict,
            rationale=canonical_text(rationale),
            check_run=claim.check_runs.order_by("-created_at").first(),
        )
        ReviewLease.objects.filter(claim=claim).delete()
        events.review_recorded(review=review)
    return review


def evidence_add(
    *, claim: Claim, snapshot: SourceSnapshot, start: int, end: int, user: AbstractBaseUser
) -> Evidence:
    """Add a passage of an archived source as evidence on the claim's latest check run.

    Offsets are Unicode code points into the snapshot's text, end exclusive.
    """
    permission_require(user, PERM_EVIDENCE_ADD, "add evidence")
    if claim.status not in REVIEWABLE:
        raise TransitionError(
            gettext("Evidence can be changed only while the claim is being reviewed.")
        )
    _require_not_held_by_other(claim, user)
    if not Source.objects.filter(pk=snapshot.source_id, claims=claim).exists():
        raise ValidationError(
            {"snapshot": gettext("That snapshot is not of one of this claim's sources.")}
        )
    if not (0 <= start < end <= len(snapshot.text)):
        raise ValidationError(
            {
                "end": gettext("Select a passage inside the source text (0–%(length)s).")
                % {"length": len(snapshot.text)}
            }
        )
    if not snapshot.text[start:end].strip():
        raise ValidationError({"end": gettext("The selection holds only white space.")})
    run = claim.check_runs.order_by("-created_at", "-id").first()
    if run is None:
        raise TransitionError(
            gettext("This claim has not been checked yet; there is no run to add to.")
        )
    if run.status in OPEN_RUN_STATUSES:
        raise TransitionError(
            gettext("A check of this claim is running; add evidence when it is done.")
        )
    rank = (run.evidence.order_by("-rank").values_list("rank", flat=True).first() or 0) + 1
    try:
        with transaction.atomic():
            evidence = Evidence.objects.create(
                check_run=run,
                snapshot=snapshot,
                rank=rank,
                start=start,
                end=end,
                score=1.0,
                text=snapshot.text[start:end],
                added_by=user,
            )
            claim_history_note(
                claim=claim, actor=user, reason=f"Evidence added: “{shorten(evidence.text, 200)}”"
            )
    except IntegrityError:
        raise ValidationError(gettext("That passage is already evidence for this claim.")) from None
    return evidence


def evidence_remove(*, evidence: Evidence, user: AbstractBaseUser) -> None:
    """Remove a passage (machine-found or added by a person) that does not bear on the claim."""
    permission_require(user, PERM_EVIDENCE_REMOVE, "remove evidence")
    claim = evidence.check_run.claim
    if claim.status not in REVIEWABLE:
        raise TransitionError(
            gettext("Evidence can be changed only while the claim is being reviewed.")
        )
    _require_not_held_by_other(claim, user)
    with transaction.atomic():
        claim_history_note(
            claim=claim, actor=user, reason=f"Evidence removed: “{shorten(evidence.text, 200)}”"
        )
        evidence.delete()
