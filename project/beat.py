"""Celery beat's scheduler, plus a note in the broker at each tick for /readyz."""

from __future__ import annotations

import logging
import time

import redis
from celery.beat import PersistentScheduler

logger = logging.getLogger(__name__)

# Ticks come every few seconds when tasks are due; one write per 10 s is enough for a 2 min limit.
RECORD_EVERY_SECONDS = 10.0


class TickRecordingScheduler(PersistentScheduler):
    """The default file-backed scheduler that also records when it last ticked."""

    _recorded_at = 0.0

    def tick(self, *args, **kwargs):
        now = time.monotonic()
        if now - self._recorded_at >= RECORD_EVERY_SECONDS:
            from project.health import beat_tick_record

            try:
                beat_tick_record()
                self._recorded_at = now
            except redis.RedisError as error:
                # The broker is away: beat's own publish will say so and retry; readiness
                # reports beat as stale until the broker is back.
                logger.warning("Could not record beat's tick: %s", error)
        return super().tick(*args, **kwargs)
