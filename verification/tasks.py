"""Thin Celery tasks: an id in, a service call, a retry policy for transient errors only."""

import logging
import random

from celery import shared_task
from django.db import OperationalError

from verification import services
from verification.models import CheckRun

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=5)
def check_run_execute_task(self, run_id: str) -> None:
    """Run one check run. Database hiccups are retried; anything else fails the run visibly."""
    try:
        services.check_run_execute(run_id=run_id)
    except OperationalError as error:
        countdown = min(60, 2**self.request.retries) + random.uniform(0, 1)
        raise self.retry(exc=error, countdown=countdown) from error
    except Exception as error:
        # Never strand a claim: record the failure on the run, so it lands in the queue with it.
        logger.exception("Check run %s failed", run_id)
        run = CheckRun.objects.filter(run_id=run_id).select_related("claim").first()
        if run is not None:
            services.check_run_fail(run=run, error=f"{type(error).__name__}: {error}")


@shared_task(acks_late=True)
def check_run_sweep_task() -> dict[str, int]:
    """Re-enqueue stuck check runs and release expired review leases (run by beat)."""
    return services.check_run_sweep()
