"""Rebuilding the HNSW snapshot of the library's vectors by beat, when it pays.

Every process searches the snapshot (vectors.py) and, exactly, every vector changed after it
was made. That exact part grows with each import, publish and retraction: each process holds it
in memory, searches it on every match and reads it from the database when it starts. Beat asks
every 15 minutes (`library-index-snapshot`), and a worker rebuilds the snapshot when

- the library holds at least `vectors.EXACT_LIMIT` vectors (200,000: below that, exact search
  is fast and processes need no snapshot), and
- there is no usable snapshot (none, or one made with another encoder), or at least
  `FACTDESK_LIBRARY_SNAPSHOT_CHANGES` vectors (default 10,000) changed since it was made:
  10,000 vectors are 15 MB and about a millisecond of exact search in each process, while a
  rebuild at a million vectors costs one worker several minutes.

The build runs in a worker, never in a web process, one at a time (a lock file in the snapshot
folder), on `FACTDESK_LIBRARY_SNAPSHOT_THREADS` faiss threads (default 1, so the other
processes keep their cores). Processes notice the new `meta.json` at their next refresh, load
it and re-read what changed after it. Each check is logged and written to `last-run.json`
beside the snapshot; /metrics reports both (`factdesk_library_snapshot_*`).
"""

from __future__ import annotations

import fcntl
import json
import logging
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError

from verification.library import encoding, vectors
from verification.library.models import FactCheck, FactVector

logger = logging.getLogger(__name__)

LAST_RUN_FILE = "last-run.json"
LOCK_FILE = ".build.lock"


@dataclass
class SnapshotCheck:
    """One look by beat: built, skipped (and why) or failed (and why)."""

    outcome: str
    reason: str
    vectors: int = 0
    changed: int = 0
    seconds: float = 0.0
    at: str = ""


def snapshot_meta(directory: Path | None = None) -> dict | None:
    """The current snapshot's description (meta.json), or None when there is none."""
    try:
        return json.loads(((directory or vectors.snapshot_dir()) / "meta.json").read_text())
    except (OSError, ValueError):
        return None


def last_check(directory: Path | None = None) -> dict | None:
    try:
        return json.loads(((directory or vectors.snapshot_dir()) / LAST_RUN_FILE).read_text())
    except (OSError, ValueError):
        return None


def snapshot_status(directory: Path | None = None) -> dict:
    """What /metrics reports: the snapshot's size and age, and beat's last look (files only)."""
    meta = snapshot_meta(directory) or {}
    check = last_check(directory) or {}
    return {
        "vectors": int(meta.get("count", 0)),
        "built_at": _timestamp(meta.get("built_at")),
        "checked_at": _timestamp(check.get("at")),
        "outcome": check.get("outcome", ""),
    }


def _timestamp(value: str | None) -> float:
    try:
        return datetime.fromisoformat(value).timestamp() if value else 0.0
    except ValueError:
        return 0.0


def _vectors_at_least(limit: int) -> int:
    """How many vectors the library holds, counted up to `limit` (a bounded index scan)."""
    factchecks = FactCheck.objects.filter(indexed_at__isnull=False)[:limit].count()
    facts = FactVector.objects.filter(live=True)[: max(0, limit - factchecks)].count()
    return factchecks + facts


def _changed_since(meta: dict) -> int:
    """Vectors changed after the snapshot's watermarks: the part every process searches exactly."""
    marks = meta.get("watermarks", {})
    changed = 0
    for rows, mark in (
        (FactCheck.objects.filter(indexed_at__isnull=False), marks.get(str(vectors.FACTCHECK))),
        (FactVector.objects.all(), marks.get(str(vectors.FACT))),
    ):
        if mark:
            rows = rows.filter(indexed_at__gt=datetime.fromisoformat(mark))
        changed += rows.count()
    return changed


def snapshot_decide(directory: Path | None = None) -> SnapshotCheck:
    """Whether the snapshot should be rebuilt now, and why (reads only counts)."""
    limit = vectors.EXACT_LIMIT
    size = _vectors_at_least(limit)
    if size < limit:
        return SnapshotCheck(
            "skipped", f"{size} vectors are searched exactly (snapshots from {limit})", size
        )
    meta = snapshot_meta(directory)
    if meta is None:
        return SnapshotCheck("due", "no snapshot yet", size)
    if meta.get("model") != encoding.model_name():
        return SnapshotCheck("due", "the snapshot was made with another encoder", size)
    changed = _changed_since(meta)
    needed = settings.FACTDESK_LIBRARY_SNAPSHOT_CHANGES
    if changed < needed:
        reason = f"{changed} vectors changed since the snapshot (rebuilt from {needed})"
        return SnapshotCheck("skipped", reason, size, changed)
    return SnapshotCheck("due", f"{changed} vectors changed since the snapshot", size, changed)


def snapshot_refresh(*, directory: Path | None = None) -> SnapshotCheck:
    """Rebuild the snapshot if it is due (see the module's docstring); record the outcome."""
    directory = directory or vectors.snapshot_dir()
    directory.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with (directory / LOCK_FILE).open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            # Not recorded: the build holding the lock records its own outcome.
            check = SnapshotCheck("skipped", "another build is running")
            logger.info("Library index snapshot: skipped, %s.", check.reason)
            return check
        try:
            check = snapshot_decide(directory)
            if check.outcome == "due":
                meta = vectors.snapshot_build(
                    directory=directory, threads=settings.FACTDESK_LIBRARY_SNAPSHOT_THREADS
                )
                check.outcome, check.vectors = "built", meta["count"]
        except (DatabaseError, OSError, RuntimeError) as error:
            # faiss raises RuntimeError; a full disk or a lost database ends here. Beat tries
            # again at its next tick, and processes keep the snapshot they have.
            check = SnapshotCheck("failed", f"{type(error).__name__}: {error}")
            logger.exception("Library index snapshot: the rebuild failed.")
        check.seconds = round(time.monotonic() - started, 1)
        check.at = datetime.now(UTC).isoformat()
        _record(directory, check)
    if check.outcome != "failed":
        logger.info(
            "Library index snapshot: %s in %.1f s, %s (%d vectors).",
            check.outcome,
            check.seconds,
            check.reason,
            check.vectors,
        )
    return check


def _record(directory: Path, check: SnapshotCheck) -> None:
    temporary = directory / f"{LAST_RUN_FILE}.tmp"
    temporary.write_text(json.dumps(asdict(check)))
    temporary.replace(directory / LAST_RUN_FILE)
