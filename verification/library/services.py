"""Every write of the library: imports (upsert by url), vectors, feeds."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import islice

import numpy as np
from django.db import transaction
from django.db.models.functions import Now

from verification import enqueue
from verification.library import encoding, lexical
from verification.library.claimreview import ClaimReviewRecord, RecordProblem
from verification.library.models import FactCheck, FactVector
from verification.models import Fact

IMPORT_BATCH = 500
FACTCHECKS_EMBED_TASK = "verification.library.tasks.factchecks_embed_task"
FACT_EMBED_TASK = "verification.library.tasks.fact_embed_task"
_FIELDS = [
    "claim_reviewed",
    "headline",
    "rating_name",
    "rating_value",
    "best_rating",
    "worst_rating",
    "author_name",
    "publisher_name",
    "claim_author",
    "reviewed_on",
    "language",
    "appearance_urls",
]


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: list[RecordProblem] = field(default_factory=list)

    @property
    def read(self) -> int:
        return self.created + self.updated + self.unchanged + len(self.refused)


def enqueue_on_commit(task: str, *args) -> None:
    """Send `task` once the transaction commits; a lost message is picked up by beat."""
    enqueue.enqueue_on_commit(
        task, *args, what=task.rsplit(".", 1)[-1], if_lost="the library's beat sweep will"
    )


def factcheck_text(factcheck: FactCheck | ClaimReviewRecord) -> str:
    """What a fact-check's vector is computed from: its claim and headline, as the encoder was
    trained to read fact-checks (verification/engine/encoder_model/MODEL_CARD.md)."""
    return f"{factcheck.claim_reviewed} {factcheck.headline}".strip()


@dataclass
class _Batch:
    """One batch of records compared with the database: what to write, and its vectors."""

    records: int
    urls: set[str] = field(default_factory=set)
    new: list[FactCheck] = field(default_factory=list)
    changed: list[FactCheck] = field(default_factory=list)
    reworded: list[FactCheck] = field(default_factory=list)
    text_changed: list[FactCheck] = field(default_factory=list)
    vectors: list[Future] = field(default_factory=list)

    @property
    def to_embed(self) -> list[FactCheck]:
        return self.new + self.reworded


def factchecks_import(
    *,
    items: Iterable[ClaimReviewRecord | RecordProblem],
    feed=None,
    embed: bool = True,
    progress: Callable[[int], None] | None = None,
    encode_threads: int = 1,
) -> ImportReport:
    """Upsert fact-checks by url; problems are collected, never raised.

    A record whose fields are all unchanged is not written at all, so importing the same file
    twice changes nothing. With `embed`, vectors of new and re-worded claims are computed here,
    in batches, and written with their rows; without it, a worker computes them after commit.

    Encoding is most of an import's time (the writes of 10,375 fact-checks take about 6 s on
    PostgreSQL, their vectors a minute on one core), so it runs in `encode_threads` threads,
    each on a share of the batch, while the previous batch is written: onnxruntime and the
    tokenizer release the GIL, and only this thread touches the database. A batch that shares
    a url with the batch still waiting to be written is compared with the database only after
    that write. One thread suits a worker process per core (feeds); the import command, a
    batch job, uses every core.
    """
    report = ImportReport()
    iterator: Iterator = iter(items)
    threads = max(1, encode_threads)
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="library-encode") as encoder:
        waiting: _Batch | None = None
        while batch := list(islice(iterator, IMPORT_BATCH)):
            records: dict[str, ClaimReviewRecord] = {}
            for item in batch:
                if isinstance(item, RecordProblem):
                    report.refused.append(item)
                else:
                    records[item.url] = item  # the last of two records with one url wins
            report.unchanged += sum(isinstance(i, ClaimReviewRecord) for i in batch) - len(records)
            if waiting is not None and not waiting.urls.isdisjoint(records):
                _write_batch(waiting, report=report, embed=embed, progress=progress)
                waiting = None
            planned = _plan_batch(list(records.values()), report=report, feed=feed)
            planned.records = len(batch)
            if embed and planned.to_embed:
                texts = [factcheck_text(fc) for fc in planned.to_embed]
                share = -(-len(texts) // threads)
                planned.vectors = [
                    encoder.submit(encoding.encode, texts[at : at + share])
                    for at in range(0, len(texts), share)
                ]
            if waiting is not None:
                _write_batch(waiting, report=report, embed=embed, progress=progress)
            waiting = planned
        if waiting is not None:
            _write_batch(waiting, report=report, embed=embed, progress=progress)
    return report


def _plan_batch(records: list[ClaimReviewRecord], *, report: ImportReport, feed) -> _Batch:
    """Compare a batch with the stored fact-checks: new, changed, re-worded or unchanged."""
    planned = _Batch(records=len(records), urls={r.url for r in records})
    if not records:
        return planned
    existing = {
        fc.url: fc
        for fc in FactCheck.objects.filter(url__in=planned.urls).only(
            "id", "url", "fingerprint", "claim_reviewed", "headline"
        )
    }
    for record in records:
        fingerprint = record.fingerprint()
        current = existing.get(record.url)
        if current is None:
            factcheck = FactCheck(url=record.url, fingerprint=fingerprint, feed=feed)
            _fill(factcheck, record)
            planned.new.append(factcheck)
        elif current.fingerprint != fingerprint:
            reworded = (current.claim_reviewed, current.headline) != (
                record.claim_reviewed,
                record.headline,
            )
            if reworded:
                planned.reworded.append(current)
            if reworded or current.headline != record.headline:
                planned.text_changed.append(current)
            _fill(current, record)
            current.fingerprint = fingerprint
            planned.changed.append(current)
        else:
            report.unchanged += 1
    return planned


def _write_batch(planned: _Batch, *, report: ImportReport, embed: bool, progress) -> None:
    """Write one planned batch in one transaction, with its vectors when they are computed."""
    if planned.vectors:
        model = encoding.model_name()
        vectors = np.vstack([part.result() for part in planned.vectors])
        for factcheck, vector in zip(planned.to_embed, vectors, strict=True):
            factcheck.embedding = encoding.to_bytes(vector)
            factcheck.embedding_model = model
            # The database's clock, so that processes on several machines agree on the order;
            # written with the row, not by a second UPDATE that would rewrite it and its indexes.
            factcheck.indexed_at = Now()
    else:
        for factcheck in planned.to_embed:
            factcheck.embedding = None
    new, changed, reworded = planned.new, planned.changed, planned.reworded
    with transaction.atomic():
        lexical.lexemes_count([fc.pk for fc in planned.text_changed], sign=-1)
        FactCheck.objects.bulk_create(new, batch_size=IMPORT_BATCH)
        FactCheck.objects.bulk_update(changed, [*_FIELDS, "fingerprint", "updated_at"])
        if reworded:
            vector_fields = ["embedding", "embedding_model"]
            FactCheck.objects.bulk_update(
                reworded, [*vector_fields, "indexed_at"] if embed else vector_fields
            )
        if not new:
            new_ids = []
        elif new[0].pk is None:  # a backend that does not return ids from bulk_create
            new_ids = list(
                FactCheck.objects.filter(url__in=[fc.url for fc in new]).values_list(
                    "id", flat=True
                )
            )
        else:
            new_ids = [fc.pk for fc in new]
        lexical.lexemes_count(new_ids + [fc.pk for fc in planned.text_changed], sign=1)
        if not embed and (new_ids or reworded):
            enqueue_on_commit(FACTCHECKS_EMBED_TASK, new_ids + [fc.pk for fc in reworded])
    report.created += len(new)
    report.updated += len(changed)
    if progress:
        progress(planned.records)


def _fill(factcheck: FactCheck, record: ClaimReviewRecord) -> None:
    for name in _FIELDS:
        setattr(factcheck, name, getattr(record, name))


def factchecks_embed(*, ids: list[int]) -> int:
    """Compute the vectors of these fact-checks (those of another model or none); idempotent."""
    model = encoding.model_name()
    waiting = list(
        FactCheck.objects.filter(pk__in=ids)
        .exclude(embedding_model=model, embedding__isnull=False)
        .only("id", "claim_reviewed", "headline")
    )
    if not waiting:
        return 0
    vectors = encoding.encode([factcheck_text(fc) for fc in waiting])
    for factcheck, vector in zip(waiting, vectors, strict=True):
        factcheck.embedding = encoding.to_bytes(vector)
        factcheck.embedding_model = model
    with transaction.atomic():
        FactCheck.objects.bulk_update(waiting, ["embedding", "embedding_model"])
        FactCheck.objects.filter(pk__in=[fc.pk for fc in waiting]).update(indexed_at=Now())
    return len(waiting)


def factchecks_embed_missing(*, limit: int = 5_000) -> int:
    """Embed fact-checks left without a vector (a lost task, an import with --no-embed)."""
    ids = list(
        FactCheck.objects.filter(embedding__isnull=True)
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    return factchecks_embed(ids=ids) if ids else 0


def fact_text(fact: Fact) -> str:
    claim = fact.claim
    return claim.text or claim.quote_exact


def fact_embed(*, fact_id: int) -> bool:
    """Write the vector of a published fact, or mark it gone if the fact was retracted."""
    fact = Fact.objects.select_related("claim").filter(pk=fact_id).first()
    if fact is None:
        return False
    if fact.retracted_at is not None:
        fact_vector_remove(fact_id=fact_id)
        return False
    vector = encoding.encode([fact_text(fact)])[0]
    with transaction.atomic():
        FactVector.objects.update_or_create(
            fact_id=fact_id,
            defaults={
                "embedding": encoding.to_bytes(vector),
                "embedding_model": encoding.model_name(),
                "live": True,
                "indexed_at": Now(),
            },
        )
    return True


def fact_vector_remove(*, fact_id: int) -> None:
    """Take a retracted fact out of every process's vector index (through the watermark)."""
    FactVector.objects.filter(fact_id=fact_id, live=True).update(live=False, indexed_at=Now())


def fact_on_publish(*, fact: Fact) -> None:
    """Listens to fact_publish (inside its transaction): embed the fact after commit."""
    enqueue_on_commit(FACT_EMBED_TASK, fact.pk)


def fact_on_retract(*, fact: Fact) -> None:
    """Listens to fact_retract (inside its transaction): the fact leaves matching at once."""
    fact_vector_remove(fact_id=fact.pk)
