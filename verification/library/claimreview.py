"""Read schema.org ClaimReview records from JSON-LD documents and JSON Lines; plain Python.

Fact-checkers publish ClaimReview in several wrappings: one object, a list, an ``@graph``, a
schema.org ``DataFeed`` (``dataFeedElement`` → ``item``), and data sets ship JSON Lines of
single objects. :func:`read_records` accepts all of them and yields, in order, either a
:class:`ClaimReviewRecord` or a :class:`RecordProblem` saying where and why a record was refused,
so one bad record never stops an import.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from urllib.parse import urlsplit

# A ClaimReview is a few hundred bytes to a few kilobytes; a record past this is a mistake or an
# attack (a whole article pasted into claimReviewed), and would bloat every match answer.
MAX_RECORD_BYTES = 64 * 1024
MAX_CLAIM_CHARS = 5_000
MAX_URL_CHARS = 2_000
MAX_APPEARANCES = 50
# Nested wrappers (DataFeed → DataFeedItem → item list) are a few levels deep; a document nested
# deeper than this is not a feed.
MAX_DEPTH = 12


@dataclass(frozen=True)
class ClaimReviewRecord:
    """The fields of one ClaimReview the library keeps, each already cleaned."""

    url: str
    claim_reviewed: str
    headline: str = ""
    rating_name: str = ""
    rating_value: float | None = None
    best_rating: float | None = None
    worst_rating: float | None = None
    author_name: str = ""
    publisher_name: str = ""
    claim_author: str = ""
    reviewed_on: date | None = None
    language: str = ""
    appearance_urls: list[str] = field(default_factory=list)

    def fingerprint(self) -> str:
        """A hash of every kept field: an import that changes nothing can be told apart cheaply."""
        fields = asdict(self)
        fields["reviewed_on"] = self.reviewed_on.isoformat() if self.reviewed_on else None
        blob = json.dumps(fields, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode()).hexdigest()


@dataclass(frozen=True)
class RecordProblem:
    """A refused record: ``where`` is "line 7" (JSON Lines) or "item 3" (a JSON document)."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


def read_records(
    data: bytes | str, *, name: str = ""
) -> Iterator[ClaimReviewRecord | RecordProblem]:
    """Every ClaimReview in `data` (JSON-LD or JSON Lines), or why each bad one was refused."""
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    text = text.lstrip("\ufeff")
    stripped = text.strip()
    if not stripped:
        yield RecordProblem("line 1", "empty document")
        return
    if stripped[0] in "[{":
        try:
            document = json.loads(stripped)
        except json.JSONDecodeError:
            document = None  # JSON Lines start with "{" too: read line by line below.
        except RecursionError:
            yield RecordProblem("line 1", "not JSON: nested too deeply")
            return
        if document is not None:
            yield from _read_document(document)
            return
    yield from read_lines(text.splitlines())


def read_lines(lines: Iterable[str]) -> Iterator[ClaimReviewRecord | RecordProblem]:
    """One ClaimReview (or one JSON-LD wrapper of some) per line; blank lines are skipped."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"line {number}"
        if len(line.encode("utf-8", errors="replace")) > MAX_RECORD_BYTES:
            yield RecordProblem(where, f"record too large: over {MAX_RECORD_BYTES // 1024} KiB")
            continue
        try:
            value = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as error:
            yield RecordProblem(where, f"not JSON: {_json_reason(error)}")
            continue
        found = list(_claim_reviews(value, depth=0))
        if not found:
            yield RecordProblem(where, "no ClaimReview in this record")
        for item in found:
            yield _record_or_problem(item, where)


def _read_document(document: object) -> Iterator[ClaimReviewRecord | RecordProblem]:
    found = list(_claim_reviews(document, depth=0))
    if not found:
        yield RecordProblem("item 1", "no ClaimReview in this document")
    for number, item in enumerate(found, start=1):
        where = f"item {number}"
        size = len(json.dumps(item, ensure_ascii=False).encode())
        if size > MAX_RECORD_BYTES:
            yield RecordProblem(where, f"record too large: over {MAX_RECORD_BYTES // 1024} KiB")
            continue
        yield _record_or_problem(item, where)


def _json_reason(error: Exception) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"{error.msg} at column {error.colno}"
    return "nested too deeply"


def _types(value: dict) -> set[str]:
    kind = value.get("@type", "")
    kinds = kind if isinstance(kind, list) else [kind]
    # "schema:ClaimReview" and "http://schema.org/ClaimReview" name the same type.
    return {str(k).rsplit("/", 1)[-1].rsplit(":", 1)[-1] for k in kinds}


def _claim_reviews(value: object, *, depth: int) -> Iterator[dict]:
    """The ClaimReview objects inside any of the wrappings fact-checkers use."""
    if depth > MAX_DEPTH:
        return
    if isinstance(value, list):
        for item in value:
            yield from _claim_reviews(item, depth=depth + 1)
        return
    if not isinstance(value, dict):
        return
    types = _types(value)
    if "ClaimReview" in types or ("claimReviewed" in value and not types - {""}):
        yield value
        return
    for key in ("@graph", "dataFeedElement", "item", "itemListElement", "mainEntity"):
        if key in value:
            yield from _claim_reviews(value[key], depth=depth + 1)


def _text(value: object, limit: int = 500) -> str:
    """A plain string from a string, a number or a {"name": ...} object; whitespace collapsed."""
    if isinstance(value, list):
        value = next((v for v in value if v), "")
    if isinstance(value, dict):
        value = value.get("name") or value.get("alternateName") or ""
    if isinstance(value, bool) or value is None:
        return ""
    return " ".join(str(value).split())[:limit]


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(str(value).strip()) if value not in (None, "") else None
    except ValueError:
        return None
    return number if number is not None and math.isfinite(number) else None


def _date(value: object) -> date | None:
    text = _text(value, 40)
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _web_url(value: object) -> str:
    if isinstance(value, dict):
        value = value.get("url") or value.get("@id") or ""
    url = _text(value, MAX_URL_CHARS + 1)
    if len(url) > MAX_URL_CHARS:
        return ""
    parts = urlsplit(url)
    return url if parts.scheme in {"http", "https"} and parts.netloc else ""


def _appearances(claim: dict) -> list[str]:
    found: list[str] = []
    for key in ("appearance", "firstAppearance"):
        values = claim.get(key) or []
        for value in values if isinstance(values, list) else [values]:
            url = _web_url(value)
            if url and url not in found:
                found.append(url)
    return found[:MAX_APPEARANCES]


def _record_or_problem(item: dict, where: str) -> ClaimReviewRecord | RecordProblem:
    raw_url = item.get("url") or item.get("@id")
    if not raw_url:
        return RecordProblem(where, "no url")
    url = _web_url(raw_url)
    if not url:
        return RecordProblem(where, f"url is not a web address: {_text(raw_url, 80)!r}")
    claim = " ".join(str(item.get("claimReviewed") or "").split())
    if not claim:
        return RecordProblem(where, "no claim (claimReviewed is missing or empty)")
    if len(claim) > MAX_CLAIM_CHARS:
        return RecordProblem(where, f"claim too long: over {MAX_CLAIM_CHARS} characters")
    rating = item.get("reviewRating") or {}
    rating = rating[0] if isinstance(rating, list) and rating else rating
    rating = rating if isinstance(rating, dict) else {}
    reviewed = item.get("itemReviewed") or {}
    reviewed = reviewed if isinstance(reviewed, dict) else {}
    author = _text(item.get("author"))
    return ClaimReviewRecord(
        url=url,
        claim_reviewed=claim,
        headline=_text(item.get("headline") or item.get("name"), 1000),
        rating_name=_text(rating.get("alternateName") or rating.get("name"), 200),
        rating_value=_number(rating.get("ratingValue")),
        best_rating=_number(rating.get("bestRating")),
        worst_rating=_number(rating.get("worstRating")),
        author_name=author[:300],
        publisher_name=(_text(item.get("publisher")) or author)[:300],
        claim_author=_text(reviewed.get("author"), 300),
        reviewed_on=_date(item.get("datePublished")),
        language=_text(item.get("inLanguage"), 35),
        appearance_urls=_appearances(reviewed),
    )
