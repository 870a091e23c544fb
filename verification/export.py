"""Bulk export of published facts as JSON Lines or CSV, streamed in batches (constant memory)."""

import csv
import io
import json
from collections.abc import Iterator

from verification import selectors
from verification.models import Fact

BATCH = 500
CSV_COLUMNS = (
    "id",
    "claim",
    "quote",
    "speaker",
    "verdict",
    "rating_value",
    "rationale",
    "article_title",
    "article_url",
    "published_at",
    "status",
    "retraction_reason",
    "evidence_urls",
)


def _batches() -> Iterator[tuple[list[Fact], dict]]:
    """Facts in id order, one batch (with its evidence) at a time, keyed past the last id."""
    last_id = 0
    while True:
        batch = list(selectors.fact_list().filter(pk__gt=last_id).order_by("pk")[:BATCH])
        if not batch:
            return
        yield batch, selectors.fact_evidence(batch)
        last_id = batch[-1].pk


def _record(fact: Fact, evidence: list) -> dict:
    claim, review, article = fact.claim, fact.review, fact.claim.article
    return {
        "id": fact.pk,
        "claim": claim.text,
        "quote": claim.quote_exact,
        "speaker": claim.speaker,
        "verdict": review.verdict,
        "rating_value": review.rating_value,
        "rationale": review.rationale,
        "article_title": article.title,
        "article_url": article.url,
        "published_at": fact.published_at.isoformat(),
        "status": "retracted" if fact.retracted_at else "published",
        "retraction_reason": fact.retraction_reason,
        "evidence": [
            {
                "source_url": e.snapshot.source.url,
                "snapshot_id": e.snapshot_id,
                "start": e.start,
                "end": e.end,
                "text": e.text,
            }
            for e in evidence
        ],
    }


def facts_jsonl() -> Iterator[bytes]:
    for batch, evidence in _batches():
        yield "".join(
            json.dumps(_record(fact, evidence.get(fact.pk, [])), ensure_ascii=False) + "\n"
            for fact in batch
        ).encode("utf-8")


def facts_csv() -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for batch, evidence in _batches():
        for fact in batch:
            record = _record(fact, evidence.get(fact.pk, []))
            record["evidence_urls"] = " ".join(
                sorted({e["source_url"] for e in record["evidence"] if e["source_url"]})
            )
            writer.writerow([_cell(record[column]) for column in CSV_COLUMNS])
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


def _cell(value) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
