"""Log lines with a request id, plain or JSON (FACTDESK_LOG_FORMAT), and one line per task.

The web gives each request an id (the caller's X-Request-ID when it is a sane token, else a new
one) and keeps it in a context variable; every log line written while serving the request
carries it. A task queued by that request carries it in a Celery message header, so the
worker's lines about the task (and the task's own one-line summary) carry the same id: grep one
id to follow a submit from the request into the check run.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid

from celery import signals

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

HEADER = "factdesk_request_id"
# Ids from outside are echoed into logs and headers: short tokens only, no spaces or quotes.
_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")

task_logger = logging.getLogger("factdesk.task")


def request_id_new(given: str | None = None) -> str:
    """The caller's id when it is a sane token, else a fresh one."""
    if given and _SANE_ID.fullmatch(given):
        return given
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Put the current request (or task) id on every record, for the formatters."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


# Fields that the request and task lines pass as `extra`; they become JSON keys.
_EXTRA_FIELDS = (
    "method",
    "path",
    "status",
    "duration_ms",
    "view",
    "task",
    "task_id",
    "state",
)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id and the extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": _iso(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id_var.get()),
        }
        for name in _EXTRA_FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def _iso(created: float) -> str:
    seconds = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(created))
    return f"{seconds}.{int((created % 1) * 1000):03d}Z"


# --- Celery: carry the id into the task, and one summary line per task ----------------------

_started: dict[str, float] = {}


@signals.before_task_publish.connect
def _add_request_id(headers=None, **kwargs) -> None:
    request_id = request_id_var.get()
    if headers is not None and request_id != "-":
        headers.setdefault(HEADER, request_id)


@signals.task_prerun.connect
def _task_started(task_id=None, task=None, **kwargs) -> None:
    given = getattr(task.request, HEADER, None) if task is not None else None
    # A task queued by beat or by another task has no request: it gets an id of its own.
    request_id_var.set(given or f"task-{task_id}")
    _started[task_id] = time.monotonic()


@signals.task_postrun.connect
def _task_finished(task_id=None, task=None, state=None, **kwargs) -> None:
    started = _started.pop(task_id, None)
    duration_ms = round((time.monotonic() - started) * 1000, 1) if started else None
    name = getattr(task, "name", "?")
    task_logger.info(
        "task %s[%s] %s in %s ms",
        name,
        task_id,
        state,
        duration_ms,
        extra={"task": name, "task_id": task_id, "state": state, "duration_ms": duration_ms},
    )
    request_id_var.set("-")
