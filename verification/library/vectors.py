"""The dense half of matching: a per-process vector index kept in step with the database.

Every process (web or worker) holds its own index and asks the database, at most once every
`FACTDESK_LIBRARY_INDEX_REFRESH_SECONDS`, whether any vector changed since its watermark: one
probe of the `indexed_at` indexes of the two vector tables. Changed rows (a new or re-worded
fact-check, a published fact, a retracted one, whose row stays with `live` off) are then read
and applied. Rows are re-read from a little before the watermark (`SLACK`), because a
transaction may commit after a later one did; applying a row twice is harmless.

Small libraries are searched exactly (a matrix product over float32 rows). Past
`EXACT_LIMIT` vectors, a process loads the HNSW snapshot that `manage.py library_index_build`
writes under the data directory, and searches it with faiss (HNSW over 8-bit scalar-quantised
vectors: at a million vectors it held recall@10 best of usearch, hnswlib and faiss within a
gigabyte, see bench/bench_vector_index.py);
what changed after the snapshot's watermark lives in the exact part, and keys changed since are
filtered out of the snapshot's answers. The index only proposes candidates: the final scores are
computed from the vectors stored in the database (see matching.py), so an approximate search
can miss a candidate but never misreport a score.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import DatabaseError, connection
from django.utils.dateparse import parse_datetime

from verification.library import encoding
from verification.library.models import FactCheck, FactVector

logger = logging.getLogger(__name__)

SLACK = timedelta(seconds=120)
EXACT_LIMIT = 200_000
# Neighbours explored per search: recall against time, measured in bench/bench_vector_index.py.
HNSW_SEARCH_BREADTH = 128
LOAD_CHUNK = 20_000
FACTCHECK, FACT = 0, 1


def key(kind: int, pk: int) -> int:
    """One key space for both kinds: fact-check ids are even keys, desk facts odd."""
    return pk * 2 + kind


def unkey(value: int) -> tuple[int, int]:
    return value % 2, value // 2


def snapshot_dir() -> Path:
    return Path(settings.DATA_DIR) / "library-index"


class VectorIndex:
    """Nearest vectors by inner product, from an exact part and an optional HNSW snapshot."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys = np.zeros(0, dtype=np.int64)
        self._matrix = np.zeros((0, encoding.DIMENSIONS), dtype=np.float32)
        self._slot: dict[int, int] = {}
        self._free: list[int] = []
        self._base = None
        self._dropped: set[int] = set()
        self._watermarks: dict[int, datetime | None] = {FACTCHECK: None, FACT: None}
        self._loaded = False
        self._checked_at = 0.0
        self._snapshot_stamp: float | None = None
        self.replacing: threading.Thread | None = None

    def __len__(self) -> int:
        return len(self._slot) + (self._base.ntotal if self._base is not None else 0)

    # -- keeping in step ------------------------------------------------------------------
    def refresh(self, *, force: bool = False) -> None:
        """Apply what changed in the database since the last look (at most once a period)."""
        period = settings.FACTDESK_LIBRARY_INDEX_REFRESH_SECONDS
        if not force and self._loaded and time.monotonic() - self._checked_at < period:
            return
        with self._lock:
            if self._loaded and _snapshot_stamp() != self._snapshot_stamp:
                self._replace_in_background()
            if not self._loaded:
                self._load()
            latest = _latest()
            for kind, at in latest.items():
                if at is not None and (
                    self._watermarks[kind] is None or at > self._watermarks[kind]
                ):
                    self._apply(kind, _rows(kind, since=self._watermarks[kind]))
            self._checked_at = time.monotonic()

    def _replace_in_background(self) -> None:
        """A new snapshot was written: load it beside this index, which serves meanwhile.

        Loading a snapshot of a million vectors takes a second or two; doing it here would hold
        every request of this process for that time. For the moment of the swap the process
        holds both indexes (about 0.5 GB more at a million vectors).
        """
        if self.replacing is not None:
            return
        self.replacing = threading.Thread(
            target=_replace, args=(self,), name="library-index-reload", daemon=True
        )
        self.replacing.start()

    def _load(self) -> None:
        meta_path = snapshot_dir() / "meta.json"
        self._snapshot_stamp = _snapshot_stamp()
        if self._snapshot_stamp is not None:
            try:
                self._load_snapshot(meta_path)
            except (OSError, ValueError, KeyError) as error:
                logger.warning(
                    "Library index snapshot unusable (%s); loading from the database", error
                )
                self._base = None
        self._loaded = True

    def _load_snapshot(self, meta_path: Path) -> None:
        import faiss

        meta = json.loads(meta_path.read_text())
        if meta["model"] != encoding.model_name() or meta["dimensions"] != encoding.DIMENSIONS:
            raise ValueError("made with another encoder")
        self._base = faiss.read_index(str(meta_path.parent / meta["file"]))
        faiss.ParameterSpace().set_index_parameter(self._base, "efSearch", HNSW_SEARCH_BREADTH)
        for kind in (FACTCHECK, FACT):
            at = meta["watermarks"][str(kind)]
            self._watermarks[kind] = datetime.fromisoformat(at) if at else None

    def _apply(self, kind: int, rows) -> None:
        for pk, blob, live, at in rows:
            item = key(kind, pk)
            if live and blob is not None:
                # A snapshot may still hold the old vector: that only proposes the item as a
                # candidate, and its score comes from the database's current vector.
                self._put(item, encoding.from_bytes(blob))
                self._dropped.discard(item)
            else:
                self._drop(item)
                if self._base is not None:
                    self._dropped.add(item)
            if self._watermarks[kind] is None or at > self._watermarks[kind]:
                self._watermarks[kind] = at

    def _put(self, item: int, vector: np.ndarray) -> None:
        slot = self._slot.get(item)
        if slot is None:
            if not self._free:
                self._grow()
            slot = self._free.pop()
            self._slot[item] = slot
            self._keys[slot] = item
        self._matrix[slot] = vector

    def _drop(self, item: int) -> None:
        slot = self._slot.pop(item, None)
        if slot is not None:
            self._keys[slot] = -1
            self._matrix[slot] = 0.0
            self._free.append(slot)

    def _grow(self) -> None:
        size = len(self._keys)
        grown = max(1024, size * 2)
        keys = np.full(grown, -1, dtype=np.int64)
        keys[:size] = self._keys
        matrix = np.zeros((grown, encoding.DIMENSIONS), dtype=np.float32)
        matrix[:size] = self._matrix
        self._keys, self._matrix = keys, matrix
        self._free.extend(range(grown - 1, size - 1, -1))

    # -- searching ------------------------------------------------------------------------
    def search(self, vector: np.ndarray, *, limit: int) -> list[tuple[int, int, float]]:
        """The `limit` nearest items: (kind, id, similarity), best first."""
        self.refresh()
        found: dict[int, float] = {}
        if self._slot:
            scores = self._matrix @ vector
            take = min(limit, len(scores))
            top = np.argpartition(-scores, take - 1)[:take]
            for slot in top:
                if self._keys[slot] >= 0:
                    found[int(self._keys[slot])] = float(scores[slot])
        if self._base is not None and self._base.ntotal:
            extra = min(self._base.ntotal, limit + min(len(self._dropped), limit))
            scores, items = self._base.search(vector[None, :], extra)
            for item, score in zip(items[0].tolist(), scores[0].tolist(), strict=True):
                if item >= 0 and item not in self._dropped:
                    found.setdefault(item, float(score))
        best = sorted(found.items(), key=lambda pair: (-pair[1], pair[0]))[:limit]
        return [(*unkey(item), score) for item, score in best]


def _snapshot_stamp() -> float | None:
    try:
        return (snapshot_dir() / "meta.json").stat().st_mtime
    except FileNotFoundError:
        return None


def _snapshot_file(directory: Path) -> str | None:
    """The file name the current meta.json points at, if any."""
    try:
        return json.loads((directory / "meta.json").read_text()).get("file")
    except (OSError, ValueError, AttributeError):
        return None


def _latest() -> dict[int, datetime | None]:
    """The newest change of each kind: two index probes in one query."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT MAX(indexed_at) FROM library_factcheck), "
            "(SELECT MAX(indexed_at) FROM library_factvector)"
        )
        factcheck, fact = cursor.fetchone()
    return {FACTCHECK: _aware(factcheck), FACT: _aware(fact)}


def _aware(value) -> datetime | None:
    """SQLite hands a timestamp back as text (stored in UTC); PostgreSQL as a datetime."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def _rows(kind: int, *, since: datetime | None):
    """(id, vector bytes, live, indexed_at) of the rows changed since `since`, in chunks."""
    if kind == FACTCHECK:
        rows = FactCheck.objects.filter(indexed_at__isnull=False)
        if since is not None:
            rows = rows.filter(indexed_at__gte=since - SLACK)
        values = rows.order_by("indexed_at", "id").values_list("id", "embedding", "indexed_at")
        return ((pk, blob, True, at) for pk, blob, at in values.iterator(chunk_size=LOAD_CHUNK))
    rows = FactVector.objects.all()
    if since is not None:
        rows = rows.filter(indexed_at__gte=since - SLACK)
    values = rows.order_by("indexed_at", "id").values_list(
        "fact_id", "embedding", "live", "indexed_at"
    )
    return values.iterator(chunk_size=LOAD_CHUNK)


def _add(hnsw, keys: list[int], vectors: list[np.ndarray], trained: bool) -> bool:
    """Add a chunk; the quantiser learns its value ranges from the first chunk."""
    matrix = np.vstack(vectors).astype(np.float32)
    if not trained:
        hnsw.train(matrix)
    hnsw.add_with_ids(matrix, np.array(keys, dtype=np.int64))
    return True


_index: VectorIndex | None = None
_index_lock = threading.Lock()


def _replace(old: VectorIndex) -> None:
    """Make an index from the current snapshot and the database, then put it in `old`'s place."""
    fresh = VectorIndex()
    try:
        fresh.refresh(force=True)
    except (DatabaseError, OSError) as error:
        logger.warning("Library index: the new snapshot could not be loaded (%s)", error)
        old.replacing = None  # the next refresh tries again
        return
    finally:
        connection.close()  # this thread's own connection
    global _index  # noqa: PLW0603 - one index per process, by design
    with _index_lock:
        if _index is old:
            fresh._pid = getattr(old, "_pid", None)  # noqa: SLF001
            _index = fresh


def index() -> VectorIndex:
    """This process's index (made on first use; a forked worker makes its own)."""
    global _index  # noqa: PLW0603 - one index per process, by design
    with _index_lock:
        if _index is None or getattr(_index, "_pid", None) != _pid():
            _index = VectorIndex()
            _index._pid = _pid()  # noqa: SLF001
        return _index


def _pid() -> int:
    import os

    return os.getpid()


def index_reset() -> None:
    """Forget this process's index (tests, and after a snapshot is rebuilt)."""
    global _index  # noqa: PLW0603
    with _index_lock:
        _index = None


def snapshot_build(*, directory: Path | None = None, threads: int | None = None) -> dict:
    """Write an HNSW snapshot of every live vector with its watermarks; return its description.

    `threads` bounds faiss's threads for this build (None: every core). Snapshot files older than
    the one it replaces are deleted: a process that read the previous meta.json an instant ago
    can still open the previous file.
    """
    import faiss

    directory = directory or snapshot_dir()
    directory.mkdir(parents=True, exist_ok=True)
    if threads is not None:
        faiss.omp_set_num_threads(max(1, threads))
    previous = _snapshot_file(directory)
    started = time.time()
    latest = _latest()
    inner = faiss.IndexHNSWSQ(
        encoding.DIMENSIONS, faiss.ScalarQuantizer.QT_8bit, 16, faiss.METRIC_INNER_PRODUCT
    )
    inner.hnsw.efConstruction = 128
    hnsw = faiss.IndexIDMap2(inner)
    trained = False
    count = 0
    for kind in (FACTCHECK, FACT):
        keys, vectors = [], []
        for pk, blob, live, _at in _rows(kind, since=None):
            if not live or blob is None:
                continue
            keys.append(key(kind, pk))
            vectors.append(encoding.from_bytes(blob))
            if len(keys) == LOAD_CHUNK:
                trained = _add(hnsw, keys, vectors, trained)
                count += len(keys)
                keys, vectors = [], []
        if keys:
            trained = _add(hnsw, keys, vectors, trained)
            count += len(keys)
    name = f"vectors-{time.time_ns()}.faiss"
    faiss.write_index(hnsw, str(directory / name))
    meta = {
        "file": name,
        "model": encoding.model_name(),
        "dimensions": encoding.DIMENSIONS,
        "count": count,
        # The watermarks read before the scan: anything changed during it is re-read as a delta.
        "watermarks": {str(k): (v.isoformat() if v else None) for k, v in latest.items()},
        "vendor": connection.vendor,
        "built_at": datetime.fromtimestamp(started, UTC).isoformat(),
    }
    temporary = directory / "meta.json.tmp"
    temporary.write_text(json.dumps(meta))
    temporary.replace(directory / "meta.json")
    for old in directory.glob("vectors-*.faiss"):
        if old.name not in (name, previous):
            old.unlink(missing_ok=True)
    return meta
