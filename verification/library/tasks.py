"""Thin Celery tasks of the library: ids in, a service call, retries for transient errors only."""

from celery import shared_task
from django.db import OperationalError

from verification.library import feeds, lexical, services, snapshots

_RETRY = {"autoretry_for": (OperationalError,), "retry_backoff": True, "retry_jitter": True}


@shared_task(acks_late=True, reject_on_worker_lost=True, max_retries=5, **_RETRY)
def factchecks_embed_task(ids: list[int]) -> int:
    """Compute missing vectors; idempotent (a vector of the current model is kept)."""
    return services.factchecks_embed(ids=ids)


@shared_task(acks_late=True, reject_on_worker_lost=True, max_retries=5, **_RETRY)
def fact_embed_task(fact_id: int) -> bool:
    return services.fact_embed(fact_id=fact_id)


@shared_task(acks_late=True, max_retries=3, **_RETRY)
def factchecks_embed_missing_task() -> int:
    return services.factchecks_embed_missing()


@shared_task(acks_late=True, max_retries=3, **_RETRY)
def lexemes_rebuild_task() -> None:
    lexical.lexemes_rebuild()


@shared_task(acks_late=True, reject_on_worker_lost=True, max_retries=3, **_RETRY)
def feed_refresh_task(feed_id: int) -> str:
    return feeds.feed_refresh(feed_id=feed_id)


@shared_task(acks_late=True, max_retries=3, **_RETRY)
def feeds_refresh_due_task() -> int:
    return feeds.feeds_refresh_due()


# A rebuild at a million vectors takes minutes on one thread, longer than the broker's
# visibility timeout: the message is acknowledged on receipt (a rebuild lost with its worker is
# simply redone at beat's next tick), and the task has its own time limits. Never retried.
@shared_task(acks_late=False, soft_time_limit=3300, time_limit=3600)
def index_snapshot_refresh_task() -> str:
    return snapshots.snapshot_refresh().outcome
