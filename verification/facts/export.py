"""Bulk export of published facts as JSON Lines or CSV, streamed in batches (constant memory)."""

import csv
import io
import json
from collections.abc import Iterator

from verification import selectors
from verification.models import RATING_VALUES, Verdict

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
    # Added last, so a reader that takes columns by position still finds the older ones.
    "updated_at",
    "under_review",
    # Who chose each passage (reviewer or machine), in the order of the JSON's evidence.
    "evidence_chosen_by",
)


def _batches() -> Iterator[list[dict]]:
    """Fact records in id order, one batch at a time (keyset pages, so memory stays flat)."""
    last_id = 0
    while True:
        rows = list(selectors.fact_rows().filter(pk__gt=last_id).order_by("pk")[:BATCH])
        if not rows:
            return
        tags, evidence = selectors.fact_rows_extras(rows)
        yield [_record(row, tags.get(row["claim_id"], []), evidence) for row in rows]
        last_id = rows[-1]["id"]


def _record(row: dict, tags: list[str], evidence: dict) -> dict:
    return {
        "id": row["id"],
        "claim": row["claim_text"],
        "quote": row["quote"],
        "speaker": row["speaker"],
        "tags": tags,
        "verdict": row["verdict"],
        "rating_value": RATING_VALUES[Verdict(row["verdict"])],
        "rationale": row["rationale"],
        "article_title": row["article_title"],
        "article_url": row["article_url"],
        "published_at": row["published_at"].isoformat(),
        "updated_at": row["updated_at"].isoformat(),
        "status": "retracted" if row["retracted_at"] else "published",
        "under_review": selectors.fact_row_under_review(row),
        "retraction_reason": row["retraction_reason"],
        "evidence": [
            {
                "source_url": e["source_url"],
                "snapshot_id": e["snapshot_id"],
                "start": e["start"],
                "end": e["end"],
                "text": e["text"],
                # "reviewer": a person chose or kept it; "machine": the check found it.
                "chosen_by": e["chosen_by"],
            }
            for e in evidence.get(row["check_run_id"], [])
        ],
    }


def facts_jsonl() -> Iterator[bytes]:
    for batch in _batches():
        yield "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in batch).encode("utf-8")


def facts_csv() -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for batch in _batches():
        for record in batch:
            record["evidence_urls"] = " ".join(
                sorted({e["source_url"] for e in record["evidence"] if e["source_url"]})
            )
            record["evidence_chosen_by"] = " ".join(e["chosen_by"] for e in record["evidence"])
            # As in the JSON: true or false, not Python's True or False.
            record["under_review"] = "true" if record["under_review"] else "false"
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
