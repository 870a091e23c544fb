"""Check runs: submit a claim, run its machine check, retry, sweep; every write of that flow."""

import logging
import threading
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext

from annotations.core.errors import TransitionError
from annotations.core.roles import (
    PERM_RERUN,
    PERM_REVIEW,
    PERM_SUBMIT,
    permission_require,
    role_refusal,
)
from annotations.models import Claim, ClaimStatus
from annotations.services import claim_transition
from verification import engine, events, selectors
from verification.enqueue import CHECK_RUN_EXECUTE, enqueue_on_commit, retry_countdown
from verification.models import (
    OPEN_RUN_STATUSES,
    CheckRun,
    CheckRunStatus,
    Evidence,
    Finding,
    ReviewLease,
)
from verification.sources.archive import SourceUnavailable
from verification.sources.services import source_snapshot_for_check

logger = logging.getLogger(__name__)


S = ClaimStatus


class CheckRunRetry(Exception):
    """A run hit a transient failure and was put back in the queue; retry it after `countdown`."""

    def __init__(self, reason: str, *, countdown: float) -> None:
        super().__init__(reason)
        self.reason = reason
        self.countdown = countdown


def claim_submit(*, claim: Claim, user: AbstractBaseUser) -> CheckRun:
    """Submit a draft claim for checking: a check run is queued once the transaction commits."""
    permission_require(user, PERM_SUBMIT, "submit claims")
    if not claim.sources.exists():
        raise ValidationError(
            {
                "sources": gettext(
                    "This claim has no sources: attach at least one before submitting it."
                )
            }
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
            gettext("A %(status)s claim cannot be re-checked.")
            % {"status": ClaimStatus(claim.status).label.lower()}
        )
    lease = selectors.review_lease_held_by_other(claim, user)
    if lease is not None:
        return PermissionDenied(
            gettext(
                "%(reviewer)s holds this claim in review until %(time)s; only they can check it "
                "again."
            )
            % {"reviewer": lease.reviewer, "time": f"{lease.expires_at:%H:%M}"}
        )
    if claim.status == S.REVIEWED and not user.has_perm(PERM_REVIEW):
        return PermissionDenied(
            gettext(
                "This claim has a verdict waiting for a publisher; only a reviewer can check it "
                "again (it would go back to the review queue)."
            )
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
        raise TransitionError(
            gettext("A check of this claim is already queued or running.")
        ) from None
    _run_enqueue(run)
    return run


def _deadline():
    return timezone.now() + timedelta(seconds=settings.FACTDESK_CHECK_RUN_DEADLINE_SECONDS)


def _run_enqueue(run: CheckRun) -> None:
    run_id = str(run.run_id)
    enqueue_on_commit(
        CHECK_RUN_EXECUTE,
        run_id,
        what=f"check run {run_id}",
        if_lost="the sweeper will retry it",
        on_lost=lambda: _run_due_now(run_id),
    )


def _run_due_now(run_id: str) -> None:
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
            language=claim.article.language or None,
        ),
        [
            engine.SourceInput(
                id=str(s.pk),
                text=s.text,
                title=s.title,
                date=s.published_on,
                language=s.language or None,
            )
            for s in snapshots
        ],
    )
    check_run_finish(run=run, result=result, problems=problems)


def _local_date(moment):
    """The calendar day of a stored time, in the newsroom's time zone; None stays None."""
    return timezone.localdate(moment) if moment is not None else None


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
                code=f.code,
                params=f.params,
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
        events.check_finished(run=run)
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
            events.check_finished(run=run)
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
            _run_enqueue(run)
            requeued += 1
    return {"requeued": requeued, "failed": failed}
