"""Enqueue Celery tasks by name, once the current transaction commits.

Services call this instead of importing `verification.tasks`: the tasks import the services,
never the other way round (an import-linter contract in pyproject.toml holds it). A task sent
before its transaction commits could start before the rows it reads exist.
"""

import logging
import random
from collections.abc import Callable

from celery import current_app
from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

CHECK_RUN_EXECUTE = "verification.tasks.check_run_execute_task"
SOURCE_FETCH = "verification.tasks.source_fetch_task"


def enqueue_on_commit(
    task: str, *args, what: str, if_lost: str, on_lost: Callable[[], None] | None = None
) -> None:
    """Send `task` with `args` when the transaction commits (at once outside a transaction).

    A broker that cannot take the message is logged, not raised: the write has committed, and
    `if_lost` says what picks the work up later ("the sweeper will retry it"); `on_lost`, if
    given, is called then (to make the work due for that sweeper at once).
    """
    transaction.on_commit(
        lambda: enqueue_now(task, *args, what=what, if_lost=if_lost, on_lost=on_lost), robust=True
    )


def enqueue_now(
    task: str, *args, what: str, if_lost: str, on_lost: Callable[[], None] | None = None
) -> None:
    """Send `task` with `args` now; see enqueue_on_commit."""
    try:
        current_app.send_task(task, args=list(args), retry=True)
    except Exception as error:  # noqa: BLE001 - broker down: `if_lost` says who recovers the work
        logger.warning("Could not enqueue %s (%s); %s.", what, error, if_lost)
        if on_lost is not None:
            on_lost()


def retry_countdown(
    attempt: int, *, base: float = 1.0, cap: float | None = None, jitter: float = 1.0
) -> float:
    """Seconds before retry number `attempt` (0 first): `base` doubled each time, capped, jittered.

    Whatever `cap` says, the delay stays below a third of the broker's visibility timeout: a
    Redis broker holds a delayed message unacknowledged until it is due, so a countdown longer
    than the visibility timeout would have it delivered twice.
    """
    limit = max(1.0, settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] / 3)
    if cap is not None:
        limit = min(limit, cap)
    return min(limit, base * 2.0 ** max(attempt, 0)) + random.uniform(0, jitter)  # noqa: S311 - jitter
