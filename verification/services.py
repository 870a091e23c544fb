"""Check runs, the review queue, verdicts and publication: every write of the verification flow."""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from annotations.models import Claim, ClaimStatus
from annotations.services import TransitionError, claim_transition
from verification import engine, matching, selectors
from verification.archive import SourceUnavailable, source_archive
from verification.models import (
    OPEN_RUN_STATUSES,
    CheckRun,
    CheckRunStatus,
    Evidence,
    Fact,
    Finding,
    Review,
    ReviewLease,
    Verdict,
)

logger = logging.getLogger(__name__)
S = ClaimStatus

PERM_REVIEW = "verification.add_review"
PERM_PUBLISH = "verification.add_fact"
PERM_RETRACT = "verification.change_fact"
PERM_SUBMIT = "annotations.change_claim"
PERM_RERUN = "verification.add_checkrun"


def _require(user: AbstractBaseUser, permission: str, action: str) -> None:
    if not (user and user.is_authenticated and user.has_perm(permission)):
        raise PermissionDenied(f"You do not have permission to {action}.")


# --- Check runs -----------------------------------------------------------------------------


def claim_submit(*, claim: Claim, user: AbstractBaseUser) -> CheckRun:
    """Submit a draft claim for checking: a check run is queued once the transaction commits."""
    _require(user, PERM_SUBMIT, "submit claims")
    with transaction.atomic():
        claim_transition(
            claim=claim, to_status=S.SUBMITTED, actor=user, reason="Submitted for checking."
        )
        return _check_run_create(claim=claim, user=user)


def check_run_request(*, claim: Claim, user: AbstractBaseUser) -> CheckRun:
    """Re-run the machine check on a claim already past submission."""
    _require(user, PERM_RERUN, "re-run checks")
    if claim.status in (S.DRAFT, S.PUBLISHED, S.RETRACTED):
        raise ValidationError(
            f"A {ClaimStatus(claim.status).label.lower()} claim cannot be re-checked."
        )
    return _check_run_create(claim=claim, user=user)


def _check_run_create(*, claim: Claim, user: AbstractBaseUser | None) -> CheckRun:
    try:
        with transaction.atomic():
            run = CheckRun.objects.create(
                claim=claim,
                requested_by=user if user is not None and user.is_authenticated else None,
                deadline_at=_deadline(),
            )
    except IntegrityError:
        raise ValidationError("A check of this claim is already queued or running.") from None
    run_id = str(run.run_id)
    transaction.on_commit(lambda: _enqueue(run_id), robust=True)
    return run


def _deadline():
    return timezone.now() + timedelta(seconds=settings.FACTDESK_CHECK_RUN_DEADLINE_SECONDS)


def _enqueue(run_id: str) -> None:
    from verification.tasks import check_run_execute_task

    try:
        check_run_execute_task.apply_async(args=[run_id], retry=True)
    except Exception as error:  # noqa: BLE001 - broker down: the sweeper re-enqueues later
        logger.warning(
            "Could not enqueue check run %s (%s); the sweeper will retry it.", run_id, error
        )


def check_run_start(*, run_id: str) -> CheckRun | None:
    """Mark a run as running; None when it is already finished (a redelivered message).

    A run found 'running' is taken over: its worker died (acks_late redelivered the message).
    """
    now = timezone.now()
    with transaction.atomic():
        run = CheckRun.objects.select_for_update().filter(run_id=run_id).first()
        if run is None or run.status not in OPEN_RUN_STATUSES:
            return None
        run.status = CheckRunStatus.RUNNING
        run.attempts += 1
        run.started_at = now
        run.deadline_at = _deadline()
        run.progress = "starting"
        run.save(update_fields=["status", "attempts", "started_at", "deadline_at", "progress"])
        claim = run.claim
        if claim.status != S.CHECKING:
            try:
                claim_transition(
                    claim=claim, to_status=S.CHECKING, actor=None, reason="Machine check started."
                )
            except TransitionError:
                logger.info("Claim %s not moved to checking (status %s).", claim.pk, claim.status)
    return run


def check_run_execute(*, run_id: str) -> None:
    """Archive the claim's sources, cross-check the claim, store evidence and findings.

    Idempotent: a redelivered or re-enqueued run replaces its own results, never duplicates them.
    """
    run = check_run_start(run_id=run_id)
    if run is None:
        return
    claim = run.claim
    sources = list(claim.sources.order_by("id"))
    _progress(run, f"fetching sources 0/{len(sources)}", total=len(sources), done=0)
    snapshots, problems = [], []
    for index, source in enumerate(sources, start=1):
        try:
            snapshots.append(source_archive(source=source))
        except SourceUnavailable as error:
            problems.append(f"Source “{source}” could not be archived: {error.reason}.")
        _progress(run, f"fetching sources {index}/{len(sources)}", done=index)
    _progress(run, "checking")
    result = engine.crosscheck(
        engine.ClaimInput(
            text=claim.text,
            quote=claim.quote_exact if claim.kind == "quote" else None,
            speaker=claim.speaker or None,
        ),
        [engine.SourceInput(id=str(s.pk), text=s.text, title=s.title) for s in snapshots],
    )
    check_run_finish(run=run, result=result, problems=problems)


def _progress(
    run: CheckRun, note: str, *, total: int | None = None, done: int | None = None
) -> None:
    fields = {"progress": note}
    if total is not None:
        fields["sources_total"] = total
    if done is not None:
        fields["sources_done"] = done
    CheckRun.objects.filter(pk=run.pk).update(**fields)


def check_run_finish(*, run: CheckRun, result: "engine.CheckResult", problems: list[str]) -> None:
    snapshot_ids = {str(pk) for pk in run.claim.sources.values_list("snapshots__pk", flat=True)}
    with transaction.atomic():
        changed = CheckRun.objects.filter(pk=run.pk, status=CheckRunStatus.RUNNING).update(
            status=CheckRunStatus.SUCCEEDED,
            stance=result.stance,
            confidence=min(max(result.confidence, 0.0), 1.0),
            engine_version=result.engine_version,
            finished_at=timezone.now(),
            progress="done",
            error="\n".join(problems),
        )
        if changed != 1:
            return  # The sweeper or another delivery settled this run first.
        run.evidence.all().delete()
        run.findings.all().delete()
        Evidence.objects.bulk_create(
            Evidence(
                check_run=run,
                snapshot_id=int(span.source_id),
                rank=rank,
                start=span.start,
                end=span.end,
                score=span.score,
                text=span.text,
            )
            for rank, span in enumerate(result.evidence, start=1)
            if span.source_id in snapshot_ids and span.end > span.start
        )
        findings = [
            Finding(
                check_run=run,
                position=position,
                kind=f.kind,
                outcome=f.outcome,
                message=f.message,
                claim_start=f.claim_start,
                claim_end=f.claim_end,
                snapshot_id=int(f.source_id) if f.source_id in snapshot_ids else None,
                source_start=f.source_start if f.source_id in snapshot_ids else None,
                source_end=f.source_end if f.source_id in snapshot_ids else None,
            )
            for position, f in enumerate(result.findings, start=1)
        ]
        findings += [
            Finding(
                check_run=run,
                position=len(findings) + i,
                kind="source",
                outcome="missing",
                message=p,
            )
            for i, p in enumerate(problems, start=1)
        ]
        Finding.objects.bulk_create(findings)
        _claim_to_review(
            run.claim,
            reason=f"Machine check done: {result.stance} ({result.confidence:.0%} confidence).",
        )


def check_run_fail(*, run: CheckRun, error: str) -> None:
    """Settle a run that cannot finish; the claim lands in the queue with the error shown."""
    with transaction.atomic():
        changed = CheckRun.objects.filter(pk=run.pk, status__in=OPEN_RUN_STATUSES).update(
            status=CheckRunStatus.FAILED,
            error=error[:5000],
            finished_at=timezone.now(),
            progress="failed",
        )
        if changed == 1:
            _claim_to_review(run.claim, reason=f"Machine check failed: {error}")


def _claim_to_review(claim: Claim, *, reason: str) -> None:
    claim.refresh_from_db(fields=["status"])
    if claim.status in (S.SUBMITTED, S.CHECKING):
        claim_transition(claim=claim, to_status=S.NEEDS_REVIEW, actor=None, reason=reason)


def check_run_sweep() -> dict[str, int]:
    """Re-enqueue runs stuck past their deadline; give up on runs that used all their attempts."""
    now = timezone.now()
    requeued = failed = 0
    stuck = CheckRun.objects.filter(status__in=OPEN_RUN_STATUSES, deadline_at__lt=now)
    for run in stuck.select_related("claim"):
        if run.attempts >= settings.FACTDESK_CHECK_RUN_MAX_ATTEMPTS:
            check_run_fail(
                run=run, error=f"gave up after {run.attempts} attempts that did not finish in time"
            )
            failed += 1
            continue
        changed = CheckRun.objects.filter(pk=run.pk, status=run.status, deadline_at__lt=now).update(
            status=CheckRunStatus.QUEUED,
            deadline_at=_deadline(),
            progress="re-queued by the sweeper",
        )
        if changed == 1:
            run_id = str(run.run_id)
            transaction.on_commit(lambda run_id=run_id: _enqueue(run_id), robust=True)
            requeued += 1
    released = review_lease_release_expired()
    return {"requeued": requeued, "failed": failed, "leases_released": released}


# --- Review queue, verdicts, publication --------------------------------------------------


def queue_take_next(*, reviewer: AbstractBaseUser) -> Claim | None:
    """Lease the next claim waiting for review to this reviewer; None when the queue is empty.

    Two reviewers never get the same claim: the lease row is unique per claim and the status
    change is conditional, so the loser of a race simply tries the next candidate.
    """
    _require(reviewer, PERM_REVIEW, "review claims")
    review_lease_release_expired()
    held = ReviewLease.objects.filter(reviewer=reviewer, expires_at__gt=timezone.now()).first()
    if held is not None:
        return held.claim
    candidates = selectors.claim_list_for_queue().filter(status=S.NEEDS_REVIEW)
    for claim in candidates[:20]:
        try:
            with transaction.atomic():
                ReviewLease.objects.create(
                    claim=claim,
                    reviewer=reviewer,
                    expires_at=timezone.now() + timedelta(minutes=settings.FACTDESK_LEASE_MINUTES),
                )
                claim_transition(
                    claim=claim,
                    to_status=S.IN_REVIEW,
                    actor=reviewer,
                    reason="Taken from the queue.",
                )
        except (IntegrityError, TransitionError):
            continue
        return claim
    return None


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


def review_record(
    *, claim: Claim, reviewer: AbstractBaseUser, verdict: str, rationale: str
) -> Review:
    """Record a verdict with its rationale; the claim becomes reviewed and its lease is released."""
    _require(reviewer, PERM_REVIEW, "review claims")
    if verdict not in Verdict.values:
        raise ValidationError(
            {"verdict": f"Unknown verdict {verdict!r}; use one of {Verdict.values}."}
        )
    if not rationale.strip():
        raise ValidationError(
            {"rationale": "Explain the verdict: the rationale is published with it."}
        )
    lease = ReviewLease.objects.filter(claim=claim).first()
    if lease is not None and lease.reviewer_id != reviewer.pk and lease.expires_at > timezone.now():
        raise PermissionDenied(f"{lease.reviewer} holds this claim until {lease.expires_at:%H:%M}.")
    with transaction.atomic():
        claim_transition(
            claim=claim, to_status=S.REVIEWED, actor=reviewer, reason=f"Verdict: {verdict}."
        )
        review = Review.objects.create(
            claim=claim,
            reviewer=reviewer,
            verdict=verdict,
            rationale=rationale.strip(),
            check_run=claim.check_runs.order_by("-created_at").first(),
        )
        ReviewLease.objects.filter(claim=claim).delete()
    return review


def fact_publish(*, claim: Claim, publisher: AbstractBaseUser) -> Fact:
    """Publish the claim's latest verdict; the four-eyes rule keeps its reviewer from doing so."""
    _require(publisher, PERM_PUBLISH, "publish facts")
    review = claim.reviews.order_by("-created_at", "-id").first()
    if review is None:
        raise ValidationError("This claim has no verdict to publish.")
    if review.reviewer_id == publisher.pk and not settings.FACTDESK_SINGLE_PERSON_DESK:
        raise PermissionDenied(
            "You gave this verdict, so someone else must publish it (four-eyes rule)."
        )
    with transaction.atomic():
        claim_transition(claim=claim, to_status=S.PUBLISHED, actor=publisher, reason="Published.")
        fact, _ = Fact.objects.update_or_create(
            claim=claim,
            defaults={
                "review": review,
                "published_by": publisher,
                "published_at": timezone.now(),
                "retracted_at": None,
                "retracted_by": None,
                "retraction_reason": "",
            },
        )
        matching.fact_index(fact)
    return fact


def fact_retract(*, fact: Fact, user: AbstractBaseUser, reason: str) -> Fact:
    """Retract a published fact; it stays visible, marked retracted with the reason."""
    _require(user, PERM_RETRACT, "retract facts")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the fact is retracted; readers will see it."})
    with transaction.atomic():
        claim_transition(claim=fact.claim, to_status=S.RETRACTED, actor=user, reason=reason.strip())
        fact.retracted_at = timezone.now()
        fact.retracted_by = user
        fact.retraction_reason = reason.strip()
        fact.save(update_fields=["retracted_at", "retracted_by", "retraction_reason", "updated_at"])
        matching.fact_unindex(fact)
    return fact
