"""ClaimReview feeds: a conditional GET to a real local HTTP server, the outcome recorded."""

import json

import pytest

from tests.local_site import send
from verification.library import feeds
from verification.library.models import ClaimReviewFeed, FactCheck, FeedStatus

pytestmark = pytest.mark.django_db


def _feed_body(count: int) -> bytes:
    reviews = [
        {
            "@type": "ClaimReview",
            "url": f"https://checks.example.org/{n}",
            "claimReviewed": f"Claim {n} about Kestrel county",
        }
        for n in range(count)
    ]
    return json.dumps({"@type": "DataFeed", "dataFeedElement": [{"item": reviews}]}).encode()


@pytest.fixture
def feed_site(site, settings):
    settings.FACTDESK_FETCH_ALLOW_PRIVATE_ADDRESSES = True
    state = {"body": _feed_body(3), "etag": '"v1"'}

    @site.route("/claimreview.json")
    def serve(handler):
        if handler.headers.get("If-None-Match") == state["etag"]:
            send(handler, 304, b"", None, {"ETag": state["etag"]})
            return
        send(
            handler,
            200,
            state["body"],
            "application/json",
            {"ETag": state["etag"], "Last-Modified": "Wed, 02 Dec 2026 10:00:00 GMT"},
        )

    site.state = state
    return site


def test_a_feed_is_read_then_asked_again_conditionally(feed_site):
    feed = feeds.feed_add(url=feed_site.url("/claimreview.json"), name="Checks Weekly")
    assert feeds.feed_refresh(feed_id=feed.pk) == FeedStatus.OK
    feed.refresh_from_db()
    assert (feed.last_created, feed.last_refused, feed.etag) == (3, 0, '"v1"')
    assert feed.last_modified == "Wed, 02 Dec 2026 10:00:00 GMT"
    assert FactCheck.objects.filter(feed=feed).count() == 3
    # Vectors are a worker's job for feeds: the rows wait for it.
    assert FactCheck.objects.filter(embedding__isnull=True).count() == 3

    assert feeds.feed_refresh(feed_id=feed.pk) == FeedStatus.UNCHANGED
    path, headers = feed_site.requests[-1]
    assert headers["If-None-Match"] == '"v1"'
    assert headers["If-Modified-Since"] == "Wed, 02 Dec 2026 10:00:00 GMT"
    feed.refresh_from_db()
    assert feed.last_status == FeedStatus.UNCHANGED
    assert feed.last_run_at is not None


def test_a_changed_feed_is_imported_again_and_bad_records_are_counted(feed_site):
    feed = feeds.feed_add(url=feed_site.url("/claimreview.json"))
    feeds.feed_refresh(feed_id=feed.pk)
    feed_site.state["etag"] = '"v2"'
    document = json.loads(_feed_body(4))
    document["dataFeedElement"][0]["item"].append({"@type": "ClaimReview", "claimReviewed": "x"})
    feed_site.state["body"] = json.dumps(document).encode()
    assert feeds.feed_refresh(feed_id=feed.pk) == FeedStatus.PARTIAL
    feed.refresh_from_db()
    assert (feed.last_created, feed.last_unchanged, feed.last_refused) == (1, 3, 1)
    assert feed.last_error == "item 5: no url"
    assert feed.etag == '"v2"'


def test_a_feed_that_fails_says_why(feed_site):
    feed = feeds.feed_add(url=feed_site.url("/gone.json"))
    assert feeds.feed_refresh(feed_id=feed.pk) == FeedStatus.FAILED
    feed.refresh_from_db()
    assert feed.last_error == "not found (HTTP 404)"


def test_an_internal_feed_address_is_refused_when_added():
    with pytest.raises(ValueError, match="refused"):
        feeds.feed_add(url="http://169.254.169.254/latest/")
    assert not ClaimReviewFeed.objects.exists()


def test_due_feeds_are_queued_and_recent_ones_are_not(
    feed_site, django_capture_on_commit_callbacks
):
    due = feeds.feed_add(url=feed_site.url("/claimreview.json"))
    recent = feeds.feed_add(url=feed_site.url("/other.json"))
    feeds.feed_refresh(feed_id=recent.pk)
    with django_capture_on_commit_callbacks() as callbacks:
        assert feeds.feeds_refresh_due() == 1
    assert len(callbacks) == 1
    assert due.pk != recent.pk
