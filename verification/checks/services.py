"""Check runs, the review queue, verdicts and publication: every write of the verification flow."""

import logging
import random
import threading
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connections, transaction
from django.utils import timezone

from annotations.models import AnchorState, Claim, ClaimStatus, Source
from annotations.services import TransitionError, claim_history_note, claim_transition
from annotations.text import shorten
from verification import engine, matching, selectors
from verification.archive import SourceUnavailable
from verification.models import (
    OPEN_RUN_STATUSES,
    CheckRun,
    CheckRunStatus,
    Evidence,
    Fact,
    Finding,
    Review,
    ReviewLease,
    SourceSnapshot,
    Verdict,
)
from verification.roles import role_refusal
from verification.sources import source_snapshot_for_check

logger = logging.getLogger(__name__)
S = ClaimStatus

PERM_REVIEW = "verification.add_review"
PERM_PUBLISH = "verification.add_fact"
PERM_RETRACT = "verification.change_fact"
PERM_SUBMIT = "annotations.change_claim"
PERM_RERUN = "verification.add_checkrun"
PERM_EVIDENCE_ADD = "verification.add_evidence"
PERM_EVIDENCE_REMOVE = "verification.delete_evidence"
# Claims a reviewer is working on: evidence can be changed and the lease matters.
REVIEWABLE = (S.NEEDS_REVIEW, S.IN_REVIEW)


class CheckRunRetry(Exception):
    """A run hit a transient failure and was put back in the queue; retry it after `countdown`."""

    def __init__(self, reason: str, *, countdown: float) -> None:
        super().__init__(reason)
        self.reason = reason
        self.countdown = countdown


def _require(user: AbstractBaseUser, permission: str, action: str) -> None:
    if not (user and user.is_authenticated and user.has_perm(permission)):
        raise PermissionDenied(role_refusal([permission], action))


# --- Check runs -----------------------------------------------------------------------------


def claim_submit(*, claim: Claim, user: AbstractBaseUser) -> CheckRun:
    """Submit a draft claim for checking: a check run is queued once the transaction commits."""
    _require(user, PERM_SUBMIT, "submit claims")
    if not claim.sources.exists():
        raise ValidationError(
            {"sources": "This claim has no sources: attach at least one before submitting it."}
        )
    with transaction.atomic():
        claim_transition(
            claim=claim, to_status=S.SUBMITTED, actor=user, reason="Submitted for checking."
        )
        return _check_run_create(claim=claim, user=user)


def check_run_request(*, claim: Claim, user: AbstractBaseUser) -> CheckRun:
    """Re-run the machine check on a claim already past submission (see check_run_refusal)."""
    refusal = check_run_refusal(claim=claim, user=user)
    if refusal is not None:
        raise refusal
    return _check_run_create(claim=claim, user=user)


def check_run_refusal(
    *, claim: Claim, user: AbstractBaseUser
) -> PermissionDenied | TransitionError | None:
    """Why this user may not check this claim again now, or None when they may.

    A check takes a claim out of review and back to the queue when it ends, so who may start one
    follows who has the claim: anyone who may re-run checks while it waits in the queue; while a
    reviewer holds it, only that reviewer; once it has a verdict, only reviewers (the verdict
    goes back to the queue with it); once published, nobody (a publisher retracts instead).
    """
    if not (user and user.is_authenticated and user.has_perm(PERM_RERUN)):
        return PermissionDenied(role_refusal([PERM_RERUN]))
    if claim.status in (S.DRAFT, S.PUBLISHED, S.RETRACTED):
        return TransitionError(
            f"A {ClaimStatus(claim.status).label.lower()} claim cannot be re-checked."
        )
    lease = _lease_held_by_other(claim, user)
    if lease is not None:
        return PermissionDenied(
            f"{lease.reviewer} holds this claim in review until {lease.expires_at:%H:%M}; "
            "only they can check it again."
        )
    if claim.status == S.REVIEWED and not user.has_perm(PERM_REVIEW):
        return PermissionDenied(
            "This claim has a verdict waiting for a publisher; only a reviewer can check it "
            "again (it would go back to the review queue)."
        )
    return None


def _check_run_create(*, claim: Claim, user: AbstractBaseUser | None) -> CheckRun:
    try:
        with transaction.atomic():
            run = CheckRun.objects.create(
                claim=claim,
                requested_by=user if user is not None and user.is_authenticated else None,
                deadline_at=_deadline(),
            )
    except IntegrityError:
        raise TransitionError("A check of this claim is already queued or running.") from None
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
        # Due now, not at its deadline: the sweeper's first tick once the broker is back sends it.
        CheckRun.objects.filter(run_id=run_id, status=CheckRunStatus.QUEUED).update(
            deadline_at=timezone.now()
        )


def _running_deadline():
    """How long a running run may go without a heartbeat before the sweeper presumes it dead."""
    return timezone.now() + timedelta(seconds=settings.FACTDESK_CHECK_RUN_LEASE_SECONDS)


def check_run_start(*, run_id: str) -> CheckRun | None:
    """Mark a run as running; None when it is already finished (a redelivered message).

    A run found 'running' is taken over: its worker died (the broker redelivered the message
    after its visibility timeout, or the sweeper re-enqueued it after its heartbeat stopped), or
    this is a retry of our own attempt. If the old attempt was in fact alive, both finish and
    the guarded update in check_run_finish lets exactly one of them store results.
    """
    now = timezone.now()
    with transaction.atomic():
        run = CheckRun.objects.select_for_update().filter(run_id=run_id).first()
        if run is None:
            # Runs are enqueued only after their transaction commits, so this means the run (or
            # its claim) was deleted since; there is nothing left to do.
            logger.warning("Check run %s does not exist; message dropped.", run_id)
            return None
        if run.status not in OPEN_RUN_STATUSES:
            return None
        run.status = CheckRunStatus.RUNNING
        run.attempts += 1
        run.started_at = now
        run.deadline_at = _running_deadline()
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


class _RunHeartbeat:
    """Keep a running run's deadline ahead of now while this process works on it.

    A worker killed with SIGKILL (or a lost machine) stops beating, so its run's deadline passes
    within FACTDESK_CHECK_RUN_LEASE_SECONDS and the sweeper re-enqueues it: recovery does not
    have to wait for the broker's visibility timeout, which must exceed the longest task.
    The thread uses its own database connection and closes it when it stops.
    """

    def __init__(self, run_pk: int) -> None:
        self.run_pk = run_pk
        self.stopped = threading.Event()
        self.thread = threading.Thread(
            target=self._beat, name=f"check-run-heartbeat-{run_pk}", daemon=True
        )

    def __enter__(self) -> "_RunHeartbeat":
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stopped.set()
        self.thread.join(timeout=5)

    def _beat(self) -> None:
        try:
            while not self.stopped.wait(settings.FACTDESK_CHECK_RUN_HEARTBEAT_SECONDS):
                try:
                    CheckRun.objects.filter(pk=self.run_pk, status=CheckRunStatus.RUNNING).update(
                        deadline_at=_running_deadline()
                    )
                except DatabaseError as error:
                    # The next beat tries again; if the database stays away the run's deadline
                    # passes and the sweeper takes over, which is the right outcome.
                    logger.warning("Heartbeat of check run %s failed: %s", self.run_pk, error)
        finally:
            connections.close_all()


def check_run_execute(*, run_id: str, retry_transient: bool = False) -> None:
    """Archive the claim's sources, cross-check the claim, store evidence and findings.

    Idempotent: a redelivered or re-enqueued run replaces its own results, never duplicates them.
    With `retry_transient`, a source that failed for a reason that may pass (timeout, refused
    connection, HTTP 5xx) puts the run back in the queue and raises CheckRunRetry while attempts
    remain; the last attempt goes on without that source and shows why.
    """
    run = check_run_start(run_id=run_id)
    if run is None:
        return
    with _RunHeartbeat(run.pk):
        _check_run_work(run, retry_transient=retry_transient)


def _check_run_work(run: CheckRun, *, retry_transient: bool) -> None:
    claim = run.claim
    sources = list(claim.sources.order_by("id"))
    _progress(run, f"fetching sources 0/{len(sources)}", total=len(sources), done=0)
    snapshots, problems, transient = [], [], []
    for index, source in enumerate(sources, start=1):
        try:
            snapshots.append(source_snapshot_for_check(source))
        except SourceUnavailable as error:
            problems.append(f"Source “{source}” could not be archived: {error.reason}.")
            if error.transient:
                transient.append(f"“{source}”: {error.reason}")
        _progress(run, f"fetching sources {index}/{len(sources)}", done=index)
    if transient and retry_transient and run.attempts < settings.FACTDESK_CHECK_RUN_MAX_ATTEMPTS:
        reason = "; ".join(transient)
        countdown = check_run_requeue(run=run, reason=reason)
        raise CheckRunRetry(reason, countdown=countdown)
    _progress(run, "checking")
    result = engine.crosscheck(
        engine.ClaimInput(
            text=claim.text,
            quote=claim.quote_exact if claim.kind == "quote" else None,
            speaker=claim.speaker or None,
            claim_date=_local_date(claim.article.published_at),
        ),
        [
            engine.SourceInput(id=str(s.pk), text=s.text, title=s.title, date=s.published_on)
            for s in snapshots
        ],
    )
    check_run_finish(run=run, result=result, problems=problems)


def _local_date(moment):
    """The calendar day of a stored time, in the newsroom's time zone; None stays None."""
    return timezone.localdate(moment) if moment is not None else None


def retry_countdown(attempt: int) -> float:
    """Exponential backoff with jitter, kept well below the broker's visibility timeout.

    A Redis broker holds a delayed message unacknowledged until it is due, so a countdown longer
    than the visibility timeout would have it delivered twice.
    """
    cap = max(1.0, settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] / 3)
    return min(cap, 2.0 ** max(attempt, 0)) + random.uniform(0, 1)  # noqa: S311 - jitter


def check_run_requeue(*, run: CheckRun, reason: str) -> float:
    """Put a running run back in the queue after a transient failure; return the delay to use."""
    countdown = retry_countdown(run.attempts)
    CheckRun.objects.filter(pk=run.pk, status=CheckRunStatus.RUNNING).update(
        status=CheckRunStatus.QUEUED,
        progress=f"retrying in {countdown:.0f} s: {reason}"[:200],
        deadline_at=_deadline() + timedelta(seconds=countdown),
    )
    return countdown


def _progress(
    run: CheckRun, note: str, *, total: int | None = None, done: int | None = None
) -> None:
    fields = {"progress": note[:200], "deadline_at": _running_deadline()}
    if total is not None:
        fields["sources_total"] = total
    if done is not None:
        fields["sources_done"] = done
    CheckRun.objects.filter(pk=run.pk, status=CheckRunStatus.RUNNING).update(**fields)


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
        machine = [
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
        ]
        Evidence.objects.bulk_create(machine)
        _evidence_carry_forward(run, first_rank=len(machine) + 1)
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
        if problems and not machine:
            reason = "Machine check done, but no source could be read: see the source findings."
        else:
            reason = f"Machine check done: {result.stance} ({result.confidence:.0%} confidence)."
        _claim_to_review(run.claim, reason=reason)


def _evidence_carry_forward(run: CheckRun, *, first_rank: int) -> None:
    """Copy the evidence people added on the claim's previous run, so a re-run keeps it."""
    previous = (
        CheckRun.objects.filter(claim_id=run.claim_id, status=CheckRunStatus.SUCCEEDED)
        .exclude(pk=run.pk)
        .order_by("-created_at", "-id")
        .first()
    )
    if previous is None:
        return
    kept = previous.evidence.filter(added_by__isnull=False).order_by("rank", "id")
    Evidence.objects.bulk_create(
        [
            Evidence(
                check_run=run,
                snapshot_id=item.snapshot_id,
                rank=first_rank + i,
                start=item.start,
                end=item.end,
                score=item.score,
                text=item.text,
                added_by_id=item.added_by_id,
            )
            for i, item in enumerate(kept)
        ],
        ignore_conflicts=True,  # the machine found the same span this time: keep one
    )
    for item in kept:
        # That one stays the reviewer's choice: readers are told who chose each passage.
        run.evidence.filter(
            snapshot_id=item.snapshot_id, start=item.start, end=item.end, added_by__isnull=True
        ).update(added_by_id=item.added_by_id)


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
    """Send a checked claim to the queue, or back to the reviewer who holds its lease."""
    claim.refresh_from_db(fields=["status"])
    if claim.status not in (S.SUBMITTED, S.CHECKING):
        return
    claim_transition(claim=claim, to_status=S.NEEDS_REVIEW, actor=None, reason=reason)
    lease = (
        ReviewLease.objects.filter(claim=claim, expires_at__gt=timezone.now())
        .select_related("reviewer")
        .first()
    )
    if lease is not None:
        # A re-run requested from the review page: the reviewer still holds the claim.
        claim_transition(
            claim=claim,
            to_status=S.IN_REVIEW,
            actor=None,
            reason=f"Back with {lease.reviewer}, who holds the lease.",
        )


def check_run_sweep() -> dict[str, int]:
    """Re-enqueue runs stuck past their deadline; give up on runs that used all their attempts.

    A queued run's deadline covers a message lost by the broker; a running run's deadline is
    kept ahead by its worker's heartbeat, so it passes soon after that worker died.
    """
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
    _require(reviewer, PERM_REVIEW, "review claims")
    review_lease_release_expired()
    lease = ReviewLease.objects.filter(claim=claim).select_related("reviewer").first()
    if lease is not None:
        if lease.reviewer_id == reviewer.pk:
            return lease
        raise PermissionDenied(f"{lease.reviewer} holds this claim until {lease.expires_at:%H:%M}.")
    if not _lease_take(claim=claim, reviewer=reviewer, reason="Taken from the queue."):
        raise ValidationError("This claim is not waiting for review any more; reload the queue.")
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
    _require(reviewer, PERM_REVIEW, "review claims")
    expires_at = timezone.now() + timedelta(minutes=settings.FACTDESK_LEASE_MINUTES)
    renewed = ReviewLease.objects.filter(claim=claim, reviewer=reviewer).update(
        expires_at=expires_at
    )
    if renewed != 1:
        raise ValidationError(
            "You no longer hold this claim (your lease ended); take it again from the queue."
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
                "You do not hold this claim (it was never taken by you, or your lease ended), "
                "so there is nothing to release."
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


def _lease_held_by_other(claim: Claim, user: AbstractBaseUser) -> ReviewLease | None:
    """The live lease of another reviewer on this claim, if there is one."""
    lease = ReviewLease.objects.filter(claim=claim).select_related("reviewer").first()
    if lease is not None and lease.reviewer_id != user.pk and lease.expires_at > timezone.now():
        return lease
    return None


def _require_not_held_by_other(claim: Claim, user: AbstractBaseUser) -> None:
    lease = _lease_held_by_other(claim, user)
    if lease is not None:
        raise PermissionDenied(f"{lease.reviewer} holds this claim until {lease.expires_at:%H:%M}.")


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
    _require_not_held_by_other(claim, reviewer)
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
        raise TransitionError("This claim has no verdict to publish; review it first.")
    if review.reviewer_id == publisher.pk and not settings.FACTDESK_SINGLE_PERSON_DESK:
        raise PermissionDenied(
            "You gave this verdict, so someone else must publish it (four-eyes rule)."
        )
    if claim.anchor_state == AnchorState.ORPHANED:
        raise TransitionError(
            "The claim's words are no longer in the article (it was edited), so the fact "
            "would point at nothing; mark the words again in the current text as a new claim."
        )
    with transaction.atomic():
        claim_transition(claim=claim, to_status=S.PUBLISHED, actor=publisher, reason="Published.")
        # A republished fact keeps its first publication date (ClaimReview's datePublished);
        # updated_at tells readers it changed.
        fact, _ = Fact.objects.update_or_create(
            claim=claim,
            create_defaults={
                "review": review,
                "published_by": publisher,
                "published_at": timezone.now(),
            },
            defaults={
                "review": review,
                "published_by": publisher,
                "retracted_at": None,
                "retracted_by": None,
                "retraction_reason": "",
            },
        )
        matching.fact_index(fact)
    return fact


def fact_retract(*, fact: Fact, user: AbstractBaseUser, reason: str) -> Fact:
    """Retract a published fact; it stays visible, marked retracted with the reason.

    The four-eyes rule of publishing holds here too: whoever gave the verdict may not retract it.
    """
    _require(user, PERM_RETRACT, "retract facts")
    if fact.review.reviewer_id == user.pk and not settings.FACTDESK_SINGLE_PERSON_DESK:
        raise PermissionDenied(
            "You gave this verdict, so another publisher must retract it (four-eyes rule)."
        )
    if fact.retracted_at is not None:
        raise TransitionError("This fact is already retracted.")
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


def fact_touch_on_claim_status(claim_id: int, from_status: str, to_status: str, at) -> None:
    """Move the fact's `updated_at` when its claim leaves or reaches a public status, or when a
    published claim's words move in an edited article (from and to are then the same status).

    Leaving published (an article edit or a changed source sends it back to review) makes the
    fact `under_review`; reaching published or retracted ends that; a move changes the W3C
    annotation's selectors. Clients keeping copies in step take the newest `updated_at` as their
    next `updated_after`, so each must move it.
    """
    public = (S.PUBLISHED, S.RETRACTED)
    if from_status in public or to_status in public:
        Fact.objects.filter(claim_id=claim_id).update(updated_at=at)


# --- Evidence chosen by people --------------------------------------------------------------


def evidence_add(
    *, claim: Claim, snapshot: SourceSnapshot, start: int, end: int, user: AbstractBaseUser
) -> Evidence:
    """Add a passage of an archived source as evidence on the claim's latest check run.

    Offsets are Unicode code points into the snapshot's text, end exclusive.
    """
    _require(user, PERM_EVIDENCE_ADD, "add evidence")
    if claim.status not in REVIEWABLE:
        raise TransitionError("Evidence can be changed only while the claim is being reviewed.")
    _require_not_held_by_other(claim, user)
    if not Source.objects.filter(pk=snapshot.source_id, claims=claim).exists():
        raise ValidationError({"snapshot": "That snapshot is not of one of this claim's sources."})
    if not (0 <= start < end <= len(snapshot.text)):
        raise ValidationError(
            {"end": f"Select a passage inside the source text (0–{len(snapshot.text)})."}
        )
    if not snapshot.text[start:end].strip():
        raise ValidationError({"end": "The selection holds only white space."})
    run = claim.check_runs.order_by("-created_at", "-id").first()
    if run is None:
        raise TransitionError("This claim has not been checked yet; there is no run to add to.")
    if run.status in OPEN_RUN_STATUSES:
        raise TransitionError("A check of this claim is running; add evidence when it is done.")
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
        raise ValidationError("That passage is already evidence for this claim.") from None
    return evidence


def evidence_remove(*, evidence: Evidence, user: AbstractBaseUser) -> None:
    """Remove a passage (machine-found or added by a person) that does not bear on the claim."""
    _require(user, PERM_EVIDENCE_REMOVE, "remove evidence")
    claim = evidence.check_run.claim
    if claim.status not in REVIEWABLE:
        raise TransitionError("Evidence can be changed only while the claim is being reviewed.")
    _require_not_held_by_other(claim, user)
    with transaction.atomic():
        claim_history_note(
            claim=claim, actor=user, reason=f"Evidence removed: “{shorten(evidence.text, 200)}”"
        )
        evidence.delete()
