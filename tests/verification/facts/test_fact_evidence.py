"""A fact's evidence says who chose each passage and names its source, reviewers' choices first."""

import pytest
from rest_framework.test import APIClient

from tests.verification.facts.evidence import run_finish, span_of
from tests.verification.runs import SOURCE_TEXT
from verification.checks.services import check_run_request
from verification.facts.services import fact_publish
from verification.models import Evidence
from verification.review.services import evidence_add, review_record

pytestmark = pytest.mark.django_db


def _publish(claim, reviewer, publisher) -> dict:
    review_record(claim=claim, reviewer=reviewer, verdict="true", rationale="It says so.")
    fact = fact_publish(claim=claim, publisher=publisher)
    detail = APIClient().get(f"/api/v1/facts/{fact.pk}/")
    assert detail.status_code == 200
    listed = APIClient().get("/api/v1/facts/").json()["results"]
    assert listed[0]["evidence"] == detail.json()["evidence"]
    return detail.json()


def test_a_passage_the_reviewer_chose_comes_first_and_says_so(claim_in_review, reviewer, publisher):
    claim, snapshot = claim_in_review
    start, end = span_of(snapshot.text, "Work began in 2019.")
    evidence_add(claim=claim, snapshot=snapshot, start=start, end=end, user=reviewer)

    evidence = _publish(claim, reviewer, publisher)["evidence"]

    assert [(e["rank"], e["chosen_by"], e["text"]) for e in evidence] == [
        (1, "reviewer", "Work began in 2019."),
        (2, "machine", "The council published its accounts on Monday."),
        (3, "machine", "The bridge cost 85 million euros"),
    ]
    assert {(e["source_title"], e["source_kind"], e["source_url"]) for e in evidence} == {
        ("Audit report", "text", "")
    }


def test_a_chosen_passage_the_machine_also_finds_on_a_rerun_stays_the_reviewers(
    claim_in_review, reviewer, publisher
):
    claim, snapshot = claim_in_review
    start, end = span_of(snapshot.text, "Work began in 2019.")
    evidence_add(claim=claim, snapshot=snapshot, start=start, end=end, user=reviewer)
    rerun = check_run_request(claim=claim, user=reviewer)
    run_finish(rerun, [(*span_of(SOURCE_TEXT, "The council published"), 0.5), (start, end, 0.1)])
    assert Evidence.objects.filter(check_run=rerun).count() == 2

    evidence = _publish(claim, reviewer, publisher)["evidence"]

    assert [(e["chosen_by"], e["text"]) for e in evidence] == [
        ("reviewer", "Work began in 2019."),
        ("machine", "The council published"),
    ]


def test_a_web_source_without_a_title_is_named_by_its_archived_page(
    claim_in_review, reviewer, publisher
):
    claim, snapshot = claim_in_review
    source = snapshot.source
    source.kind, source.url, source.title = "url", "https://example.org/audit", ""
    source.save()
    snapshot.title = "Audit office: bridge accounts"
    snapshot.save()

    evidence = _publish(claim, reviewer, publisher)["evidence"]

    assert evidence[0]["source_title"] == "Audit office: bridge accounts"
    assert evidence[0]["source_kind"] == "url"
    assert evidence[0]["source_url"] == "https://example.org/audit"
