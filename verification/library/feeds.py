"""Reading ClaimReview feeds and files through the safe fetcher, conditionally, into the library."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from verification.library import services
from verification.library.claimreview import read_records
from verification.library.models import ClaimReviewFeed, FeedStatus
from verification.sources import fetching
from verification.sources.archive import fetch_policy

logger = logging.getLogger(__name__)

FEED_CONTENT_TYPES = (
    "application/json",
    "application/ld+json",
    "application/x-ndjson",
    "application/jsonl",
    "application/json-seq",
    "text/plain",
)


def feed_policy() -> fetching.FetchPolicy:
    """The production fetch rules, with room for a whole feed and JSON content types."""
    return replace(
        fetch_policy(),
        max_bytes=settings.FACTDESK_LIBRARY_FEED_MAX_BYTES,
        allowed_content_types=FEED_CONTENT_TYPES,
        timeout_seconds=max(fetch_policy().timeout_seconds, 60.0),
    )


def url_read(url: str, *, conditions: dict[str, str] | None = None) -> fetching.FetchResult:
    """Fetch a feed or file address; raises fetching.FetchError with a reason in words."""
    return fetching.fetch(url, feed_policy(), conditions=conditions)


def feed_add(*, url: str, name: str = "", user=None) -> ClaimReviewFeed:
    """Follow a feed; its address must pass the fetcher's rules before it is stored."""
    refusal = fetching.url_refusal(url, feed_policy())
    if refusal:
        raise ValueError(refusal)
    feed, _ = ClaimReviewFeed.objects.get_or_create(
        url=url, defaults={"name": name, "added_by": user}
    )
    return feed


def feed_refresh(*, feed_id: int) -> str:
    """Read one feed with a conditional GET and import what it holds; record the outcome."""
    feed = ClaimReviewFeed.objects.get(pk=feed_id)
    conditions = {}
    if feed.etag:
        conditions["If-None-Match"] = feed.etag
    if feed.last_modified:
        conditions["If-Modified-Since"] = feed.last_modified
    outcome = {"last_run_at": timezone.now(), "last_error": ""}
    try:
        result = url_read(feed.url, conditions=conditions)
    except fetching.FetchError as error:
        if error.transient:
            logger.info("Feed %s: %s; next run will retry", feed.url, error.reason)
        outcome |= {"last_status": FeedStatus.FAILED, "last_error": error.reason}
        ClaimReviewFeed.objects.filter(pk=feed.pk).update(**outcome)
        return FeedStatus.FAILED
    if result.status == 304:
        outcome |= {"last_status": FeedStatus.UNCHANGED, "last_created": 0, "last_updated": 0}
        outcome |= {"last_unchanged": 0, "last_refused": 0}
        ClaimReviewFeed.objects.filter(pk=feed.pk).update(**outcome)
        return FeedStatus.UNCHANGED
    # A worker computes the vectors after commit, so a large feed does not hold this task.
    report = services.factchecks_import(items=read_records(result.body), feed=feed, embed=False)
    refused = report.refused
    outcome |= {
        "etag": result.etag,
        "last_modified": result.last_modified,
        "last_status": FeedStatus.PARTIAL if refused else FeedStatus.OK,
        "last_error": "; ".join(str(problem) for problem in refused[:20]),
        "last_created": report.created,
        "last_updated": report.updated,
        "last_unchanged": report.unchanged,
        "last_refused": len(refused),
    }
    with transaction.atomic():
        ClaimReviewFeed.objects.filter(pk=feed.pk).update(**outcome)
    return outcome["last_status"]


def feeds_refresh_due() -> int:
    """Queue every enabled feed not read within the interval; return how many were queued."""
    due_before = timezone.now() - timedelta(
        seconds=settings.FACTDESK_LIBRARY_FEED_INTERVAL_SECONDS * 0.9
    )
    feeds = ClaimReviewFeed.objects.filter(enabled=True).exclude(last_run_at__gt=due_before)
    ids = list(feeds.values_list("id", flat=True))
    for feed_id in ids:
        services.enqueue_on_commit("verification.library.tasks.feed_refresh_task", feed_id)
    return len(ids)
