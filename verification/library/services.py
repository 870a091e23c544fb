"""Every write of the library: imports (upsert by url), vectors, feeds."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

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


def factchecks_import(
    *,
    items: Iterable[ClaimReviewRecord | RecordProblem],
    feed=None,
    embed: bool = True,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Upsert fact-checks by url; problems are collected, never raised.

    A record whose fields are all unchanged is not written at all, so importing the same file
    twice changes nothing. With `embed`, vectors of new and re-worded claims are computed here,
    in batches, before the write; without it, a worker computes them after commit.
    """
    report = ImportReport()
    iterator: Iterator = iter(items)
    while batch := list(islice(iterator, IMPORT_BATCH)):
        records: dict[str, ClaimReviewRecord] = {}
        for item in batch:
            if isinstance(item, RecordProblem):
                report.refused.append(item)
            else:
                records[item.url] = item  # the last of two records with one url wins
        _import_batch(list(records.values()), report=report, feed=feed, embed=embed)
        report.unchanged += sum(isinstance(i, ClaimReviewRecord) for i in batch) - len(records)
        if progress:
            progress(len(batch))
    return report


def _import_batch(records, *, report: ImportReport, feed, embed: bool) -> None:
    if not records:
        return
    existing = {
        fc.url: fc
        for fc in FactCheck.objects.filter(url__in=[r.url for r in records]).only(
            "id", "url", "fingerprint", "claim_reviewed", "headline"
        )
    }
    new, changed, reworded, text_changed = [], [], [], []
    for record in records:
        fingerprint = record.fingerprint()
        current = existing.get(record.url)
        if current is None:
            factcheck = FactCheck(url=record.url, fingerprint=fingerprint, feed=feed)
            _fill(factcheck, record)
            new.append(factcheck)
        elif current.fingerprint != fingerprint:
            if (current.claim_reviewed, current.headline) != (
                record.claim_reviewed,
                record.headline,
            ):
                reworded.append(current)
            if reworded[-1:] == [current] or current.headline != record.headline:
                text_changed.append(current)
            _fill(current, record)
            current.fingerprint = fingerprint
            changed.append(current)
        else:
            report.unchanged += 1
    to_embed = new + reworded
    vectors = encoding.encode([factcheck_text(fc) for fc in to_embed]) if embed else None
    if vectors is not None:
        model = encoding.model_name()
        for factcheck, vector in zip(to_embed, vectors, strict=True):
            factcheck.embedding = encoding.to_bytes(vector)
            factcheck.embedding_model = model
    else:
        for factcheck in to_embed:
            factcheck.embedding = None
    with transaction.atomic():
        lexical.lexemes_count([fc.pk for fc in text_changed], sign=-1)
        FactCheck.objects.bulk_create(new, batch_size=IMPORT_BATCH)
        fields = [*_FIELDS, "fingerprint", "updated_at", "embedding", "embedding_model"]
        FactCheck.objects.bulk_update(
            changed, [f for f in fields if f not in ("embedding", "embedding_model")]
        )
        if reworded:
            FactCheck.objects.bulk_update(reworded, ["embedding", "embedding_model"])
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
        lexical.lexemes_count(new_ids + [fc.pk for fc in text_changed], sign=1)
        touched = new_ids + [fc.pk for fc in reworded]
        if embed:
            # The database's clock, so that processes on several machines agree on the order.
            FactCheck.objects.filter(pk__in=touched).update(indexed_at=Now())
        elif touched:
            enqueue_on_commit(FACTCHECKS_EMBED_TASK, touched)
    report.created += len(new)
    report.updated += len(changed)


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
