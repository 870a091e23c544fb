"""Thin Celery tasks: an id in, a service call, a retry policy for transient errors only."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import OperationalError

from verification.checks.services import (
    CheckRunRetry,
    check_run_execute,
    check_run_fail,
    check_run_sweep,
)
from verification.enqueue import retry_countdown
from verification.models import CheckRun
from verification.review.services import review_lease_release_expired
from verification.sources.archive import SourceUnavailable
from verification.sources.services import source_fetch, source_recheck, sources_due_for_recheck

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=8)
def check_run_execute_task(self, run_id: str) -> None:
    """Run one check run; retry only what may pass, fail the run visibly on anything else.

    Transient: the database going away (OperationalError) and sources that timed out or
    answered 5xx (the service re-queues the run and says when). A broker redelivery after a
    worker died needs nothing here: the run is taken over by id (see check_run_start).
    """
    try:
        check_run_execute(run_id=run_id, retry_transient=True)
    except CheckRunRetry as retry:
        logger.info("Check run %s: %s; retrying in %.0f s", run_id, retry.reason, retry.countdown)
        raise self.retry(countdown=retry.countdown) from None
    except OperationalError as error:
        countdown = retry_countdown(self.request.retries)
        raise self.retry(exc=error, countdown=countdown) from error
    except SoftTimeLimitExceeded:
        _fail(run_id, f"took longer than {settings.CELERY_TASK_SOFT_TIME_LIMIT} s and was stopped")
    except Exception as error:
        # Never strand a claim: record the failure on the run, so it lands in the queue with it.
        logger.exception("Check run %s failed", run_id)
        _fail(run_id, f"{type(error).__name__}: {error}")


def _fail(run_id: str, error: str) -> None:
    run = CheckRun.objects.filter(run_id=run_id).select_related("claim").first()
    if run is not None:
        check_run_fail(run=run, error=error)


@shared_task(acks_late=True)
def check_run_sweep_task() -> dict[str, int]:
    """Re-enqueue stuck check runs and release expired review leases (run by beat)."""
    return {**check_run_sweep(), "leases_released": review_lease_release_expired()}


@shared_task(bind=True, acks_late=True, max_retries=4)
def source_fetch_task(self, source_id: int) -> None:
    """Archive a newly attached source; timeouts and 5xx are retried with backoff and jitter."""
    try:
        source_fetch(source_id=source_id)
    except SourceUnavailable as error:
        if not error.transient:
            return  # Recorded on the source with its reason; a person can retry it.
        countdown = retry_countdown(self.request.retries, base=10, cap=600, jitter=5)
        raise self.retry(exc=error, countdown=countdown) from error


@shared_task(acks_late=True)
def source_recheck_task(source_id: int) -> str:
    return source_recheck(source_id=source_id)


@shared_task(acks_late=True)
def sources_recheck_due_task() -> int:
    """Queue a re-check of every published fact's source not fetched within the interval."""
    due = sources_due_for_recheck()
    for source_id in due:
        source_recheck_task.delay(source_id)
    return len(due)
