"""Sources are fetched on attach, and the sources of published facts are re-checked for change."""

import pytest
from django.core.exceptions import ValidationError

from annotations.models import ClaimStatus, SourceState
from annotations.services import claim_create, claim_transition
from tests.factories import ArticleFactory
from verification.facts.services import fact_publish
from verification.models import Fact, SourceSnapshot
from verification.review.services import review_record
from verification.sources.archive import SourceUnavailable
from verification.sources.services import (
    source_add,
    source_fetch,
    source_recheck,
    source_retry,
    sources_due_for_recheck,
)

pytestmark = pytest.mark.django_db

PAGE = (
    "<html><head><title>Audit office report</title></head><body><article>"
    "<h1>Bridge accounts</h1><p>The audit office found that the bridge cost 58 million euros, "
    "two million more than the council first said.</p><p>Work began in 2019 and ended in "
    "2023, two years late, after a dispute with the builder over the foundations.</p>"
    "</article></body></html>"
)
REWRITTEN = (
    "<html><head><title>Audit office report</title></head><body><article>"
    "<h1>Correction</h1><p>An earlier version of this page gave wrong figures. The office has "
    "withdrawn the report pending a new review of the council's books.</p>"
    "</article></body></html>"
)


@pytest.fixture
def page(site):
    state = {"body": PAGE, "status": 200}

    @site.route("/report")
    def report(handler):
        site.send(handler, state["status"], state["body"].encode(), "text/html; charset=utf-8")

    return state


@pytest.fixture
def published_fact(page, site, annotator, reviewer, publisher, settings):
    settings.FACTDESK_FETCH_ALLOW_PRIVATE_ADDRESSES = True
    claim = claim_create(article=ArticleFactory(), user=annotator, exact="cost 56 million euros")
    source = source_add(claim=claim, user=annotator, url=site.url("/report"))
    source_fetch(source_id=source.pk)
    claim_transition(claim=claim, to_status=ClaimStatus.SUBMITTED, actor=annotator)
    claim_transition(claim=claim, to_status=ClaimStatus.NEEDS_REVIEW, actor=None)
    review_record(claim=claim, reviewer=reviewer, verdict="mostly_false", rationale="58.")
    return fact_publish(claim=claim, publisher=publisher)


def test_attaching_a_url_queues_a_fetch_that_archives_it(
    site, page, annotator, settings, django_capture_on_commit_callbacks
):
    settings.FACTDESK_FETCH_ALLOW_PRIVATE_ADDRESSES = True
    claim = claim_create(article=ArticleFactory(), user=annotator, exact="Work began in 2019")
    with django_capture_on_commit_callbacks() as callbacks:
        source = source_add(claim=claim, user=annotator, url=site.url("/report"))
    assert len(callbacks) == 1
    snapshot = source_fetch(source_id=source.pk)
    source.refresh_from_db()
    assert source.state == SourceState.ARCHIVED
    assert snapshot.final_url == site.url("/report")
    assert snapshot.http_status == 200
    assert snapshot.title == "Bridge accounts"  # the extractor prefers the headline to <title>
    assert "58 million euros" in snapshot.text
    assert "<p>" not in snapshot.text
    assert len(snapshot.sha256) == 64
    assert snapshot.raw.read().decode() == PAGE


def test_an_internal_address_is_refused_when_it_is_entered(site, annotator):
    claim = claim_create(article=ArticleFactory(), user=annotator, exact="Work began in 2019")
    with pytest.raises(ValidationError, match="address 127.0.0.1 is internal"):
        source_add(claim=claim, user=annotator, url=site.url("/report"))
    assert not claim.sources.exists()
    assert site.connections == 0


def test_an_address_refused_at_fetch_time_is_recorded_on_the_source(
    site, page, annotator, settings
):
    # Allowed when entered, refused when fetched (a public name may resolve to an internal
    # address; here the operator's setting changed in between).
    settings.FACTDESK_FETCH_ALLOW_PRIVATE_ADDRESSES = True
    claim = claim_create(article=ArticleFactory(), user=annotator, exact="Work began in 2019")
    source = source_add(claim=claim, user=annotator, url=site.url("/report"))
    settings.FACTDESK_FETCH_ALLOW_PRIVATE_ADDRESSES = False
    with pytest.raises(SourceUnavailable):
        source_fetch(source_id=source.pk)
    source.refresh_from_db()
    assert source.state == SourceState.FAILED
    assert source.failure_reason == "refused: address 127.0.0.1 is internal"
    assert site.connections == 0


@pytest.mark.parametrize("content_type", ["text/html; charset=utf-8", "text/plain"])
def test_a_fetched_page_that_is_binary_data_is_refused_not_archived_as_text(
    site, annotator, settings, content_type
):
    settings.FACTDESK_FETCH_ALLOW_PRIVATE_ADDRESSES = True
    executable = b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 64

    @site.route("/download")
    def download(handler):
        site.send(handler, 200, executable, content_type)

    claim = claim_create(article=ArticleFactory(), user=annotator, exact="Work began in 2019")
    source = source_add(claim=claim, user=annotator, url=site.url("/download"))
    with pytest.raises(SourceUnavailable, match="binary data"):
        source_fetch(source_id=source.pk)
    source.refresh_from_db()
    assert source.state == SourceState.FAILED
    assert source.failure_reason.startswith("no text could be extracted: not readable text: ")
    assert not SourceSnapshot.objects.filter(source=source).exists()


def test_a_failed_source_can_be_retried(site, page, annotator, settings):
    settings.FACTDESK_FETCH_ALLOW_PRIVATE_ADDRESSES = True
    claim = claim_create(article=ArticleFactory(), user=annotator, exact="Work began in 2019")
    source = source_add(claim=claim, user=annotator, url=site.url("/report"))
    settings.FACTDESK_FETCH_ALLOW_PRIVATE_ADDRESSES = False
    with pytest.raises(SourceUnavailable):
        source_fetch(source_id=source.pk)
    settings.FACTDESK_FETCH_ALLOW_PRIVATE_ADDRESSES = True
    source.refresh_from_db()
    source_retry(source=source, user=annotator)
    source_fetch(source_id=source.pk)
    source.refresh_from_db()
    assert source.state == SourceState.ARCHIVED


def test_an_unchanged_source_makes_no_new_snapshot(published_fact, page):
    source = published_fact.claim.sources.get()
    assert source_recheck(source_id=source.pk) == "unchanged"
    assert SourceSnapshot.objects.filter(source=source).count() == 1
    published_fact.claim.refresh_from_db()
    assert published_fact.claim.status == ClaimStatus.PUBLISHED


def test_a_changed_source_keeps_the_old_snapshot_and_sends_the_fact_back_to_review(
    published_fact, page
):
    source = published_fact.claim.sources.get()
    page["body"] = REWRITTEN
    assert source_recheck(source_id=source.pk) == "changed"
    texts = list(
        SourceSnapshot.objects.filter(source=source).order_by("id").values_list("text", flat=True)
    )
    assert len(texts) == 2
    assert "58 million" in texts[0] and "withdrawn" in texts[1]
    fact = Fact.objects.get(pk=published_fact.pk)
    assert fact.source_flag == "source_changed"
    claim = fact.claim
    assert claim.status == ClaimStatus.NEEDS_REVIEW
    assert "The source changed" in claim.transitions.last().reason


def test_a_vanished_source_flags_the_fact_as_gone(published_fact, page):
    source = published_fact.claim.sources.get()
    page["status"] = 404
    assert source_recheck(source_id=source.pk) == "gone"
    fact = Fact.objects.get(pk=published_fact.pk)
    assert fact.source_flag == "source_gone"
    assert fact.claim.status == ClaimStatus.NEEDS_REVIEW
    assert SourceSnapshot.objects.filter(source=source).count() == 1


def test_only_sources_of_published_facts_not_fetched_recently_are_due(published_fact, settings):
    source = published_fact.claim.sources.get()
    assert sources_due_for_recheck() == []
    SourceSnapshot.objects.filter(source=source).update(fetched_at="2020-01-01T00:00:00Z")
    assert sources_due_for_recheck() == [source.pk]
