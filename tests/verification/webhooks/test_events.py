"""The desk's own steps emit events, with the objects as the API shows them."""

import json

import pytest

from annotations.models import ClaimStatus
from annotations.services import claim_create, claim_transition
from tests.factories import ArticleFactory
from verification.webhooks.models import Event

pytestmark = pytest.mark.django_db


def _bodies(event_type: str) -> list[dict]:
    return [
        json.loads(e.body) for e in Event.objects.filter(type=event_type).order_by("created_at")
    ]


def test_a_claim_sent_for_checking_and_then_to_the_queue_emits_two_claim_events(
    subscription, annotator
):
    claim = claim_create(article=ArticleFactory(), user=annotator, exact="The mayor said")
    claim_transition(claim=claim, to_status=ClaimStatus.SUBMITTED, actor=annotator)
    claim_transition(claim=claim, to_status=ClaimStatus.NEEDS_REVIEW, actor=None)

    [submitted] = _bodies("claim.submitted")
    [needs_review] = _bodies("claim.needs_review")
    assert submitted["data"]["claim"]["id"] == claim.pk
    assert submitted["data"]["claim"]["status"] == "submitted"
    assert needs_review["data"]["claim"]["status"] == "needs_review"
    assert needs_review["data"]["claim"]["selector"][0]["exact"] == "The mayor said"
    assert "created_by" not in needs_review["data"]["claim"]


def test_a_desk_without_subscriptions_stores_no_events(annotator):
    claim = claim_create(article=ArticleFactory(), user=annotator, exact="The mayor said")
    claim_transition(claim=claim, to_status=ClaimStatus.SUBMITTED, actor=annotator)
    assert Event.objects.count() == 0


def _published(annotator, reviewer, publisher, *, source_url="", source_text=""):
    from verification.checks.services import check_run_execute, claim_submit
    from verification.facts.services import fact_publish
    from verification.review.services import review_record
    from verification.sources.services import source_add, source_fetch

    claim = claim_create(article=ArticleFactory(), user=annotator, exact="cost 56 million euros")
    if source_url:
        source = source_add(claim=claim, user=annotator, url=source_url)
        source_fetch(source_id=source.pk)
    else:
        source_add(claim=claim, user=annotator, title="Minutes", text=source_text)
    run = claim_submit(claim=claim, user=annotator)
    check_run_execute(run_id=str(run.run_id))
    review_record(claim=claim, reviewer=reviewer, verdict="mostly_false", rationale="It was 58.")
    return fact_publish(claim=claim, publisher=publisher)


def test_the_whole_lifecycle_emits_each_event_once_with_the_apis_shapes(
    subscription, annotator, reviewer, publisher, second_publisher, settings, client
):
    from verification.facts.services import fact_retract

    settings.FACTDESK_SITE_URL = "http://testserver"
    fact = _published(
        annotator, reviewer, publisher, source_text="The audit says the bridge cost 58 million."
    )
    fact_retract(fact=fact, user=second_publisher, reason="The audit was withdrawn.")

    types = list(Event.objects.order_by("created_at").values_list("type", flat=True))
    assert types == [
        "claim.submitted",
        "check.finished",
        "claim.needs_review",
        "review.recorded",
        "fact.published",
        "fact.retracted",
    ]
    [check] = _bodies("check.finished")
    assert check["data"]["check"]["status"] == "succeeded"
    assert check["data"]["check"]["stance"] in ("supports", "refutes", "not_enough_info")
    assert 0 <= check["data"]["check"]["confidence"] <= 1
    assert check["data"]["check"]["claim"] == fact.claim_id
    assert "evidence" not in check["data"]["check"]
    [review] = _bodies("review.recorded")
    assert review["data"]["review"]["verdict"] == "mostly_false"
    assert review["data"]["claim"]["status"] == "reviewed"
    [published] = _bodies("fact.published")
    assert published["data"]["fact"]["status"] == "published"
    [retracted] = _bodies("fact.retracted")
    # The fact exactly as the public API shows it now.
    assert retracted["data"]["fact"] == client.get(f"/api/v1/facts/{fact.pk}/").json()
    assert retracted["data"]["fact"]["retraction_reason"] == "The audit was withdrawn."


def test_a_failed_check_is_a_finished_check_with_its_error(subscription, annotator):
    from verification.checks.services import check_run_fail, claim_submit
    from verification.sources.services import source_add

    claim = claim_create(article=ArticleFactory(), user=annotator, exact="The mayor said")
    source_add(claim=claim, user=annotator, title="Minutes", text="The mayor said nothing.")
    run = claim_submit(claim=claim, user=annotator)
    check_run_fail(run=run, error="no source could be read")

    [check] = _bodies("check.finished")
    assert check["data"]["check"]["status"] == "failed"
    assert check["data"]["check"]["error"] == "no source could be read"
    assert _bodies("claim.needs_review")[0]["data"]["claim"]["id"] == claim.pk


def test_a_changed_source_of_a_published_fact_emits_source_changed(
    subscription, site, annotator, reviewer, publisher, settings
):
    from verification.sources.services import source_recheck

    settings.FACTDESK_FETCH_ALLOW_PRIVATE_ADDRESSES = True
    page = {"body": b"<html><body><p>The bridge cost 58 million euros.</p></body></html>"}

    @site.route("/report")
    def report(handler):
        site.send(handler, 200, page["body"], "text/html; charset=utf-8")

    fact = _published(annotator, reviewer, publisher, source_url=site.url("/report"))
    page["body"] = b"<html><body><p>This report was withdrawn entirely.</p></body></html>"
    assert source_recheck(source_id=fact.claim.sources.get().pk) == "changed"

    [changed] = _bodies("source.changed")
    assert changed["data"]["change"] == "source_changed"
    assert changed["data"]["source"]["url"] == site.url("/report")
    assert changed["data"]["fact"]["id"] == fact.pk
    assert changed["data"]["fact"]["source_flag"] == "source_changed"
    assert "The source changed" in changed["data"]["note"]


def test_an_event_of_a_rolled_back_step_is_never_stored(subscription, annotator):
    from django.db import transaction

    claim = claim_create(article=ArticleFactory(), user=annotator, exact="The mayor said")
    with pytest.raises(RuntimeError), transaction.atomic():
        claim_transition(claim=claim, to_status=ClaimStatus.SUBMITTED, actor=annotator)
        raise RuntimeError("the step failed after the transition")
    assert Event.objects.count() == 0
