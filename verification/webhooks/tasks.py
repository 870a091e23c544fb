"""Thin Celery tasks for webhooks: a delivery id in, the service call, the retry policy."""

import logging

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from verification.enqueue import retry_countdown
from verification.webhooks import services

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def webhook_delivery_task(self, delivery_id: str) -> str:
    """Try one delivery. Idempotent by delivery id: a repeat of a finished one does nothing.

    The service records each try and when the next is due. A short wait is a Celery countdown;
    a long one (hours) is left to the sweeper, because a Redis broker would hand a message
    delayed past its visibility timeout to a second worker.
    """
    try:
        result = services.delivery_attempt(delivery_id=delivery_id)
    except OperationalError as error:
        if self.request.retries >= 8:
            raise  # the sweeper enqueues it again once the database is back
        raise self.retry(exc=error, countdown=retry_countdown(self.request.retries)) from error
    cap = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] / 3
    if result.retry_in is not None and result.retry_in <= cap:
        raise self.retry(countdown=result.retry_in)
    return result.status


@shared_task(acks_late=True)
def claim_factcheck_match_task(claim_id: int) -> bool:
    """Match a submitted claim against the fact-check library; emit factcheck.matched if found."""
    return services.claim_factcheck_match(claim_id=claim_id) is not None


@shared_task(acks_late=True)
def webhook_deliveries_sweep_task() -> int:
    """Enqueue pending deliveries that are due, and forget old events (run by beat)."""
    services.events_prune(keep_days=settings.FACTDESK_WEBHOOK_KEEP_DAYS)
    return services.deliveries_sweep()
