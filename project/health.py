"""Probes for load balancers and orchestrators: /healthz (alive) and /readyz (can do its work).

/healthz touches nothing: it answers while the process can answer. /readyz checks each part the
desk needs and says which one is missing, 200 when all are there and 503 otherwise. It is cheap
enough to probe every few seconds: one SELECT, one Redis PING and GET, and two slower checks
(a worker ping is a broadcast that waits for answers; the migration plan reads every migration
file) whose answers are kept for a few seconds in each web process.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from functools import cache
from urllib.parse import unquote, urlsplit

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

BEAT_TICK_KEY = "factdesk:beat:last_tick"
WORKER_PING_CACHE_SECONDS = 10.0
MIGRATIONS_CACHE_SECONDS = 30.0


@cache
def broker_client() -> redis.Redis:
    """A Redis client on the Celery broker (the embedded socket or REDIS_URL), short timeouts."""
    url = settings.CELERY_BROKER_URL
    parts = urlsplit(url)
    timeouts = {"socket_timeout": 1.0, "socket_connect_timeout": 1.0}
    if parts.scheme == "redis+socket":
        return redis.Redis(unix_socket_path=unquote(parts.path), **timeouts)
    return redis.Redis.from_url(url, **timeouts)


class _Remembered:
    """A check's last answer, kept for `seconds` (per process; threads share it)."""

    def __init__(self, seconds: float, check: Callable[[], dict]) -> None:
        self.seconds = seconds
        self.check = check
        self.lock = threading.Lock()
        self.value: dict | None = None
        self.at = 0.0

    def __call__(self) -> dict:
        with self.lock:
            if self.value is None or time.monotonic() - self.at > self.seconds:
                self.value = self.check()
                self.at = time.monotonic()
            return self.value


def _check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        return {"ok": False, "detail": f"{type(error).__name__}: {error}".strip()}
    return {"ok": True}


def _migrations_check() -> dict:
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        return {"ok": False, "detail": f"cannot read the migration state: {error}"}
    if plan:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _ in plan[:5])
        return {"ok": False, "detail": f"{len(plan)} unapplied: {names}"}
    return {"ok": True}


def _check_broker() -> dict:
    try:
        broker_client().ping()
    except redis.RedisError as error:
        return {"ok": False, "detail": f"{type(error).__name__}: {error}"}
    return {"ok": True}


def _worker_ping() -> dict:
    from project.celery import app

    # limit=1: done at the first answer (tens of ms) instead of always waiting the full second
    # for answers that might still come; one worker answering is what readiness needs.
    try:
        answers = app.control.ping(timeout=1.0, limit=1)
    except (OSError, redis.RedisError) as error:
        return {"ok": False, "detail": f"cannot ask: {error}"}
    if not answers:
        return {"ok": False, "detail": "no worker answered within 1 s"}
    return {"ok": True, "detail": f"{next(iter(answers[0]))} answered"}


def _check_beat() -> dict:
    try:
        raw = broker_client().get(BEAT_TICK_KEY)
    except redis.RedisError as error:
        return {"ok": False, "detail": f"cannot read its last tick: {error}"}
    if raw is None:
        return {"ok": False, "detail": "has not ticked yet"}
    age = time.time() - float(raw)
    limit = settings.FACTDESK_BEAT_STALE_SECONDS
    return {"ok": age <= limit, "detail": f"ticked {age:.0f} s ago (limit {limit} s)"}


_check_migrations = _Remembered(MIGRATIONS_CACHE_SECONDS, _migrations_check)
_check_worker = _Remembered(WORKER_PING_CACHE_SECONDS, _worker_ping)


def readiness() -> dict:
    """Each part's state; the database checks first so a missing database is not cached."""
    checks = {"database": _check_database()}
    checks["migrations"] = (
        _check_migrations() if checks["database"]["ok"] else {"ok": False, "detail": "no database"}
    )
    checks["broker"] = _check_broker()
    if checks["broker"]["ok"]:
        checks["worker"] = _check_worker()
        checks["beat"] = _check_beat()
    else:
        checks["worker"] = checks["beat"] = {"ok": False, "detail": "no broker"}
    return {"ready": all(check["ok"] for check in checks.values()), "checks": checks}


@never_cache
@require_GET
def healthz(request) -> HttpResponse:
    return HttpResponse("ok\n", content_type="text/plain")


@never_cache
@require_GET
def readyz(request) -> JsonResponse:
    state = readiness()
    return JsonResponse(state, status=200 if state["ready"] else 503)


def beat_tick_record() -> None:
    """Note that beat is alive now (called from its scheduler's tick)."""
    broker_client().set(BEAT_TICK_KEY, f"{time.time():.3f}", ex=24 * 3600)
