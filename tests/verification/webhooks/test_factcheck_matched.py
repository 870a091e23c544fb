"""factcheck.matched: a submitted claim that the fact-check library has seen before."""

import json

import pytest

from annotations.models import ClaimStatus
from annotations.services import claim_create, claim_transition
from tests.factories import ArticleFactory
from tests.verification.word_encoder import WordEncoder
from verification.library import encoding, vectors
from verification.library.claimreview import read_records
from verification.library.services import factchecks_import
from verification.webhooks import services
from verification.webhooks.models import Event, PayloadFormat
from verification.webhooks.payloads import slack_message

pytestmark = pytest.mark.django_db

ARTICLE = "Officials said the harbour bridge in Valmora cost 56 million euros to build."


@pytest.fixture(autouse=True)
def library(monkeypatch, settings):
    # The library's word-bag test encoder: matching plumbing without the learned model.
    monkeypatch.setattr(encoding, "encoder_factory", WordEncoder)
    settings.FACTDESK_LIBRARY_INDEX_REFRESH_SECONDS = 0
    vectors.index_reset()
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": "https://checks.example.org/valmora-bridge",
        "claimReviewed": "The harbour bridge in Valmora cost 56 million euros to build",
        "author": {"@type": "Organization", "name": "Checks Weekly"},
        "reviewRating": {"@type": "Rating", "alternateName": "False", "ratingValue": 1},
    }
    factchecks_import(items=read_records(json.dumps(review), name="test"))
    yield
    vectors.index_reset()


def _submitted(annotator, exact):
    article = ArticleFactory(text=ARTICLE + "\n\nThe ferry timetable changes in May.")
    claim = claim_create(article=article, user=annotator, exact=exact)
    claim_transition(claim=claim, to_status=ClaimStatus.SUBMITTED, actor=annotator)
    return claim


def test_submitting_a_claim_checked_before_queues_matching_only_when_someone_wants_it(
    subscription, annotator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        _submitted(annotator, ARTICLE[:-1])
    # The claim.submitted delivery, and the matching (factcheck.matched is wanted too).
    assert len(queued) == 2
    services.subscription_update(subscription=subscription, events=["fact.published"])
    with django_capture_on_commit_callbacks(execute=False) as queued:
        _submitted(annotator, "The ferry timetable changes in May")
    assert queued == []


def test_a_claim_the_library_knows_emits_factcheck_matched_once_per_submission(
    subscription, annotator
):
    claim = _submitted(annotator, ARTICLE[:-1])

    event = services.claim_factcheck_match(claim_id=claim.pk)
    again = services.claim_factcheck_match(claim_id=claim.pk)

    assert event is not None and again.pk == event.pk
    body = json.loads(event.body)
    assert body["type"] == "factcheck.matched"
    assert body["data"]["claim"]["id"] == claim.pk
    [match] = body["data"]["matches"]
    assert match["kind"] == "factcheck"
    assert match["url"] == "https://checks.example.org/valmora-bridge"
    assert match["publisher"] == "Checks Weekly"
    assert match["score"] >= 0.5
    text = slack_message(body)["text"]
    assert "Checked before by Checks Weekly" in text
    assert "<https://checks.example.org/valmora-bridge|" in text
    assert PayloadFormat.SLACK in PayloadFormat.values


def test_a_claim_the_library_does_not_know_emits_nothing(subscription, annotator):
    claim = _submitted(annotator, "The ferry timetable changes in May")
    assert services.claim_factcheck_match(claim_id=claim.pk) is None
    assert not Event.objects.filter(type="factcheck.matched").exists()
