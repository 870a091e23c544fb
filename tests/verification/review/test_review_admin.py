"""The admin verification queue, the review page and live check progress, driven over HTTP."""

from datetime import timedelta

import pytest
from django.utils import timezone

from annotations.models import Claim, ClaimStatus, Source, SourceState
from annotations.services import claim_create, claim_transition
from tests.factories import ArticleFactory
from verification.checks.services import _progress, check_run_request, check_run_start
from verification.models import Evidence, Fact, Review, ReviewLease, SourceSnapshot
from verification.review.services import queue_take, queue_take_next, review_record

pytestmark = pytest.mark.django_db

QUEUE = "/admin/annotations/claim/queue/"


def review_url(claim, action=""):
    return f"/admin/annotations/claim/{claim.pk}/review/" + (f"{action}/" if action else "")


def waiting(annotator, text, *, age_hours=0):
    claim = claim_create(article=ArticleFactory(), user=annotator, exact="Work began in 2019")
    Claim.objects.filter(pk=claim.pk).update(text=text)
    claim_transition(claim=claim, to_status=ClaimStatus.SUBMITTED, actor=annotator)
    claim_transition(claim=claim, to_status=ClaimStatus.NEEDS_REVIEW, actor=None)
    Claim.objects.filter(pk=claim.pk).update(
        status_changed_at=timezone.now() - timedelta(hours=age_hours)
    )
    claim.refresh_from_db()
    return claim


def test_the_queue_lists_refuted_claims_first_and_marks_stale_ones(
    client, reviewer, annotator, checked_claim
):
    old = waiting(annotator, "An old unchecked claim.", age_hours=30)
    client.force_login(reviewer)
    page = client.get(QUEUE).content.decode()
    assert page.index(checked_claim.text) < page.index(old.text)  # refutes before the rest
    row = page[page.index(f'data-claim="{old.pk}"') :]
    assert "stale" in row[: row.index("</tr>")]
    assert "Take next" in page


def test_the_queue_filters_by_stance_and_by_what_i_hold(client, reviewer, annotator, checked_claim):
    other = waiting(annotator, "A claim without a check.")
    client.force_login(reviewer)
    page = client.get(QUEUE, {"stance": "refutes"}).content.decode()
    assert checked_claim.text in page and other.text not in page
    queue_take(claim=other, reviewer=reviewer)
    page = client.get(QUEUE, {"mine": "1"}).content.decode()
    assert other.text in page and checked_claim.text not in page


def test_the_queue_shows_who_holds_a_lease(client, reviewer, second_reviewer, checked_claim):
    queue_take_next(reviewer=second_reviewer)
    client.force_login(reviewer)
    page = client.get(QUEUE).content.decode()
    assert "rob until" in page


@pytest.mark.parametrize(
    ("persona", "status"),
    [("reviewer", 200), ("annotator", 403), ("publisher", 403), ("outsider", 403)],
)
def test_only_reviewers_open_the_queue(client, request, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(QUEUE).status_code == status


def test_the_queue_link_is_on_the_admin_index_for_reviewers_only(client, reviewer, annotator):
    client.force_login(reviewer)
    assert QUEUE in client.get("/admin/").content.decode()
    client.force_login(annotator)
    assert QUEUE not in client.get("/admin/").content.decode()


def test_take_next_leases_the_claim_and_opens_its_review_page(client, reviewer, checked_claim):
    client.force_login(reviewer)
    response = client.post(QUEUE + "take-next/")
    assert response.status_code == 302
    assert response["Location"] == review_url(checked_claim)
    assert ReviewLease.objects.get().reviewer == reviewer


def test_take_next_on_an_empty_queue_says_so(client, reviewer):
    client.force_login(reviewer)
    response = client.post(QUEUE + "take-next/", follow=True)
    assert "The queue is empty" in response.content.decode()


def test_take_next_needs_a_post(client, reviewer, checked_claim):
    client.force_login(reviewer)
    assert client.get(QUEUE + "take-next/").status_code == 405
    assert not ReviewLease.objects.exists()


def test_the_review_page_shows_text_as_text_with_the_evidence_and_finding_highlighted(
    client, reviewer, checked_claim
):
    Claim.objects.filter(pk=checked_claim.pk).update(speaker="<script>alert(1)</script>")
    client.force_login(reviewer)
    page = client.get(review_url(checked_claim)).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert '<mark class="fd-quote">the bridge cost 56 million euros</mark>' in page
    evidence = Evidence.objects.get()
    assert f'data-evidence="{evidence.pk}">The bridge cost </mark>' in page
    assert "number mismatch: the claim says 56, the source says 85" in page
    # The finding's span inside the passage, marked as a conflict.
    assert 'class="fd-evidence fd-finding fd-finding-conflicts"' in page
    assert "Refutes" in page and "0.80" in page


def test_the_snapshot_element_holds_exactly_the_archived_text(client, reviewer, checked_claim):
    import html
    import re

    client.force_login(reviewer)
    page = client.get(review_url(checked_claim)).content.decode()
    inner = re.search(r'<div class="fd-snapshot" data-snapshot="\d+">(.*?)</div>', page, re.S)
    text = html.unescape(re.sub(r"<[^>]+>", "", inner.group(1)))
    assert text == SourceSnapshot.objects.get().text


def test_a_reviewer_records_a_verdict_from_the_review_page(client, reviewer, checked_claim):
    client.force_login(reviewer)
    client.post(QUEUE + "take-next/")
    response = client.post(
        review_url(checked_claim, "verdict"), {"verdict": "false", "rationale": "85, not 56."}
    )
    assert response.status_code == 302
    review = Review.objects.get()
    assert (review.verdict, review.reviewer, review.rationale) == ("false", reviewer, "85, not 56.")
    assert not ReviewLease.objects.exists()


def test_a_verdict_without_rationale_is_refused_with_the_reason(client, reviewer, checked_claim):
    client.force_login(reviewer)
    response = client.post(
        review_url(checked_claim, "verdict"), {"verdict": "false", "rationale": " "}, follow=True
    )
    assert "Explain the verdict" in response.content.decode()
    assert not Review.objects.exists()


def test_a_reviewer_adds_and_removes_evidence_on_the_review_page(client, reviewer, checked_claim):
    client.force_login(reviewer)
    client.post(QUEUE + "take-next/")
    snapshot = SourceSnapshot.objects.get()
    start = snapshot.text.index("Work began")
    client.post(
        review_url(checked_claim, "evidence-add"),
        {"snapshot": snapshot.pk, "start": start, "end": start + 19},
    )
    added = Evidence.objects.get(added_by=reviewer)
    assert added.text == "Work began in 2019."
    client.post(review_url(checked_claim, "evidence-remove"), {"evidence": added.pk})
    assert not Evidence.objects.filter(added_by=reviewer).exists()


def test_leave_and_the_heartbeat_work_on_the_reviewers_lease(client, reviewer, checked_claim):
    client.force_login(reviewer)
    client.post(QUEUE + "take-next/")
    renewed = client.post(review_url(checked_claim, "renew"))
    assert renewed.json()["ok"] is True
    client.post(review_url(checked_claim, "leave"))
    checked_claim.refresh_from_db()
    assert checked_claim.status == ClaimStatus.NEEDS_REVIEW
    lost = client.post(review_url(checked_claim, "renew"))
    assert lost.status_code == 409
    assert "take it again" in lost.json()["message"]


def test_re_run_from_the_review_page_queues_a_check(
    client, reviewer, checked_claim, django_capture_on_commit_callbacks
):
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(review_url(checked_claim, "rerun"))
    assert checked_claim.check_runs.count() == 2
    assert len(callbacks) == 1


def _verdict_logged_in_as_its_author(client, reviewer, claim):
    queue_take_next(reviewer=reviewer)
    review_record(claim=claim, reviewer=reviewer, verdict="false", rationale="85.")
    client.force_login(reviewer)


def test_a_publisher_publishes_and_the_reviewer_is_refused_with_a_clear_message(
    client, reviewer_publisher, publisher, checked_claim
):
    _verdict_logged_in_as_its_author(client, reviewer_publisher, checked_claim)
    refused = client.post(review_url(checked_claim, "publish"), follow=True)
    assert refused.status_code == 200
    assert "someone else must publish it (four-eyes rule)" in refused.content.decode()
    assert not Fact.objects.exists()
    client.force_login(publisher)
    client.post(review_url(checked_claim, "publish"))
    fact = Fact.objects.get()
    assert fact.published_by == publisher
    # The verdict's author may not retract it either, so is not offered the form.
    client.force_login(reviewer_publisher)
    assert 'id="fd-retract-form"' not in client.get(review_url(checked_claim)).content.decode()
    client.force_login(publisher)
    assert 'id="fd-retract-form"' in client.get(review_url(checked_claim)).content.decode()
    client.post(review_url(checked_claim, "retract"), {"reason": "The audit was corrected."})
    fact.refresh_from_db()
    assert fact.retraction_reason == "The audit was corrected."


def test_an_outsider_cannot_open_a_review_page_or_act(client, outsider, checked_claim):
    client.force_login(outsider)
    refused = client.get(review_url(checked_claim))
    assert refused.status_code == 403
    assert "You may not open this page" in refused.content.decode()  # not a bare "403"
    client.post(review_url(checked_claim, "take"))
    assert not ReviewLease.objects.exists()


def test_an_annotator_reads_the_review_page_without_being_offered_its_actions(
    client, annotator, checked_claim
):
    client.force_login(annotator)
    page = client.get(review_url(checked_claim)).content.decode()
    finding = checked_claim.check_runs.get().findings.order_by("position").first()
    assert finding.message.split(":")[0] in page
    for action in ('id="fd-take"', 'id="fd-verdict-form"', "Publish", "Remove"):
        assert action not in page
    assert "/admin/annotations/claim/queue/" not in page  # a page they may not open
    client.post(review_url(checked_claim, "take"))
    assert not ReviewLease.objects.exists()


def test_the_progress_endpoint_reports_each_stage(client, annotator, checked_claim):
    client.force_login(annotator)
    url = f"/admin/annotations/claim/{checked_claim.pk}/check-progress/"
    done = client.get(url).json()
    assert done["claim_status"] == "needs_review"
    assert done["run"]["state"] == "succeeded"
    assert done["run"]["label"] == "done: refutes (80% confidence)"
    run = check_run_request(claim=checked_claim, user=annotator)
    assert client.get(url).json()["run"]["label"] == "queued"
    check_run_start(run_id=str(run.run_id))
    _progress(run, "fetching sources 1/2", total=2, done=1)
    running = client.get(url).json()["run"]
    assert (running["label"], running["sources_done"], running["open"]) == (
        "fetching sources 1/2",
        1,
        True,
    )
    assert running["elapsed_seconds"] >= 0


def test_the_claim_page_has_the_live_check_panel(client, annotator, checked_claim):
    client.force_login(annotator)
    page = client.get(f"/admin/annotations/claim/{checked_claim.pk}/change/").content.decode()
    assert 'id="fd-check"' in page
    assert f'data-url="/admin/annotations/claim/{checked_claim.pk}/check-progress/"' in page
    assert "verification/progress.js" in page


def test_the_claim_list_shows_the_latest_check_without_a_query_per_row(
    client, annotator, checked_claim, django_assert_max_num_queries
):
    client.force_login(annotator)
    page = client.get("/admin/annotations/claim/").content.decode()
    assert "done: refutes (80%)" in page
    for i in range(10):
        waiting(annotator, f"Claim number {i}.")
    with django_assert_max_num_queries(12) as few:
        client.get("/admin/annotations/claim/")
    for i in range(20):
        waiting(annotator, f"Another claim {i}.")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/admin/annotations/claim/")


def test_the_verdict_author_is_not_offered_the_publish_button(
    client, reviewer_publisher, publisher, checked_claim
):
    _verdict_logged_in_as_its_author(client, reviewer_publisher, checked_claim)
    page = client.get(review_url(checked_claim)).content.decode()
    assert 'id="fd-publish"' not in page
    assert "You gave this verdict: someone else must publish it." in page
    client.force_login(publisher)
    page = client.get(review_url(checked_claim)).content.decode()
    assert 'id="fd-publish"' in page
    assert "fd-awaits-publisher" not in page


def test_the_queue_says_how_long_a_claim_has_waited_in_words(client, reviewer, annotator):
    waiting(annotator, "A claim that just arrived.")
    waiting(annotator, "A claim from this morning.", age_hours=3)
    client.force_login(reviewer)
    page = client.get(QUEUE).content.decode()
    assert "just now" in page
    assert "3\xa0hours ago" in page
    assert "0\xa0minutes" not in page


def test_the_review_page_shows_the_date_a_source_was_published(client, reviewer, checked_claim):
    import datetime

    SourceSnapshot.objects.filter(source__claims=checked_claim).update(
        published_on=datetime.date(2024, 3, 1)
    )
    client.force_login(reviewer)
    page = client.get(review_url(checked_claim)).content.decode()
    assert 'published 2024-03-01 (its "last year" is read from this date)' in page


def test_the_evidence_added_message_ends_on_a_whole_word(client, reviewer, checked_claim):
    client.force_login(reviewer)
    client.post(QUEUE + "take-next/")
    snapshot = SourceSnapshot.objects.get()
    start = snapshot.text.index("The council")
    end = snapshot.text.index("office.") + len("office.")
    response = client.post(
        review_url(checked_claim, "evidence-add"),
        {"snapshot": snapshot.pk, "start": start, "end": end},
        follow=True,
    )
    [message] = [str(m) for m in response.context["messages"]]
    assert message == (
        "Evidence added: “The council published its accounts on Monday. The bridge cost 85 "
        "million euros…”."
    )


def test_the_progress_endpoint_reports_each_sources_current_state(client, annotator, checked_claim):
    client.force_login(annotator)
    source = checked_claim.sources.order_by("id").first()
    Source.objects.filter(pk=source.pk).update(
        state=SourceState.FAILED, failure_reason="refused: the certificate could not be verified"
    )
    url = f"/admin/annotations/claim/{checked_claim.pk}/check-progress/"
    sources = client.get(url).json()["sources"]
    assert sources[0] == {
        "id": source.pk,
        "state": "failed",
        "label": "Failed: refused: the certificate could not be verified",
    }
    assert [s["id"] for s in sources] == list(
        checked_claim.sources.order_by("id").values_list("id", flat=True)
    )


def test_the_check_runs_list_shows_confidence_as_a_percentage(admin_client, checked_claim):
    checked_claim.check_runs.update(confidence=0.9113096686662584)

    page = admin_client.get("/admin/verification/checkrun/").content.decode()

    assert '<td class="field-confidence_percent">91%</td>' in page
    assert "0.911" not in page
