"""From submit to needs_review: the check run service, its idempotence and its failure paths."""

from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.utils import timezone

from annotations.core.errors import TransitionError
from annotations.models import ClaimStatus, SourceState
from annotations.services import claim_create, source_add_file, source_add_text, source_add_url
from tests.factories import ArticleFactory
from tests.verification.runs import SOURCE_TEXT
from verification import engine
from verification.checks.services import (
    check_run_execute,
    check_run_request,
    check_run_sweep,
    claim_submit,
)
from verification.models import CheckRun, CheckRunStatus, Evidence, Finding, SourceSnapshot
from verification.sources import archive

pytestmark = pytest.mark.django_db

@pytest.fixture
def claim(annotator):
    claim = claim_create(
        article=ArticleFactory(),
        user=annotator,
        exact="the bridge cost 56 million euros",
        text="The bridge cost 56 million euros.",
    )
    source_add_text(claim=claim, title="Audit report", text=SOURCE_TEXT, user=annotator)
    return claim


def test_submitting_queues_one_check_run_after_commit(
    claim, annotator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        run = claim_submit(claim=claim, user=annotator)
    assert run.status == CheckRunStatus.QUEUED
    assert len(callbacks) == 1
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED


def test_a_claim_cannot_have_two_open_check_runs(claim, annotator, reviewer):
    claim_submit(claim=claim, user=annotator)
    with pytest.raises(TransitionError, match="already queued or running"):
        check_run_request(claim=claim, user=reviewer)


def test_an_outsider_cannot_submit_a_claim(claim, outsider):
    with pytest.raises(PermissionDenied):
        claim_submit(claim=claim, user=outsider)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DRAFT


def test_a_finished_run_stores_evidence_and_findings_and_the_claim_needs_review(claim, annotator):
    run = claim_submit(claim=claim, user=annotator)
    check_run_execute(run_id=str(run.run_id))
    run.refresh_from_db()
    claim.refresh_from_db()
    assert run.status == CheckRunStatus.SUCCEEDED
    assert claim.status == ClaimStatus.NEEDS_REVIEW
    assert run.stance == "refutes"
    top = run.evidence.order_by("rank").first()
    assert "85 million" in top.text
    assert top.snapshot.text[top.start : top.end] == top.text
    assert any("56" in f.message and "85" in f.message for f in run.findings.all())
    assert [t.to_status for t in claim.transitions.all()] == [
        "submitted",
        "checking",
        "needs_review",
    ]


def test_a_run_delivered_twice_stores_its_evidence_once(claim, annotator):
    run = claim_submit(claim=claim, user=annotator)
    check_run_execute(run_id=str(run.run_id))
    count = Evidence.objects.filter(check_run=run).count()
    check_run_execute(run_id=str(run.run_id))
    assert count > 0
    assert Evidence.objects.filter(check_run=run).count() == count
    assert SourceSnapshot.objects.count() == 1


def test_a_source_that_cannot_be_fetched_is_shown_and_does_not_strand_the_claim(
    claim, annotator, settings
):
    # Accepted when entered (as a public name resolving to an internal address would be),
    # refused when fetched.
    settings.FACTDESK_FETCH_ALLOW_PRIVATE_ADDRESSES = True
    source_add_url(claim=claim, url="http://10.0.0.5/report.html", user=annotator)
    settings.FACTDESK_FETCH_ALLOW_PRIVATE_ADDRESSES = False
    run = claim_submit(claim=claim, user=annotator)
    check_run_execute(run_id=str(run.run_id))
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.NEEDS_REVIEW
    source = claim.sources.get(kind="url")
    assert source.state == SourceState.FAILED
    assert "10.0.0.5" in source.failure_reason
    assert Finding.objects.filter(
        check_run=run, kind="source", message__contains="10.0.0.5"
    ).exists()
    # The claim's only other source is pasted text, so the check still had something to read.
    last = claim.transitions.order_by("-id").first()
    assert last.reason.startswith("Machine check done: ")


def test_a_check_with_no_readable_source_says_so_instead_of_a_confident_stance(annotator, settings):
    settings.FACTDESK_FETCH_ALLOW_PRIVATE_ADDRESSES = True
    claim = claim_create(article=ArticleFactory(), user=annotator, exact="Work began in 2019")
    source_add_url(claim=claim, url="http://10.0.0.5/report.html", user=annotator)
    settings.FACTDESK_FETCH_ALLOW_PRIVATE_ADDRESSES = False
    run = claim_submit(claim=claim, user=annotator)
    check_run_execute(run_id=str(run.run_id))
    last = claim.transitions.order_by("-id").first()
    assert last.reason == (
        "Machine check done, but no source could be read: see the source findings."
    )


def test_the_sweeper_requeues_a_run_stuck_past_its_deadline(claim, annotator):
    run = claim_submit(claim=claim, user=annotator)
    CheckRun.objects.filter(pk=run.pk).update(
        status=CheckRunStatus.RUNNING, attempts=1, deadline_at=timezone.now() - timedelta(seconds=1)
    )
    assert check_run_sweep()["requeued"] == 1
    run.refresh_from_db()
    assert run.status == CheckRunStatus.QUEUED
    assert run.deadline_at > timezone.now()


def test_the_sweeper_fails_a_run_out_of_attempts_and_the_claim_lands_in_the_queue(
    claim, annotator, settings
):
    run = claim_submit(claim=claim, user=annotator)
    CheckRun.objects.filter(pk=run.pk).update(
        status=CheckRunStatus.RUNNING,
        attempts=settings.FACTDESK_CHECK_RUN_MAX_ATTEMPTS,
        deadline_at=timezone.now() - timedelta(seconds=1),
    )
    assert check_run_sweep()["failed"] == 1
    run.refresh_from_db()
    claim.refresh_from_db()
    assert run.status == CheckRunStatus.FAILED
    assert "gave up after" in run.error
    assert claim.status == ClaimStatus.NEEDS_REVIEW
    assert "gave up after" in claim.transitions.last().reason


def test_an_engine_crash_fails_the_run_with_the_error_and_the_claim_needs_review(
    claim, annotator, monkeypatch
):
    from verification import tasks

    def explode(*args, **kwargs):
        raise RuntimeError("engine exploded")

    monkeypatch.setattr(engine, "crosscheck", explode)
    run = claim_submit(claim=claim, user=annotator)
    tasks.check_run_execute_task.run(str(run.run_id))
    run.refresh_from_db()
    claim.refresh_from_db()
    assert run.status == CheckRunStatus.FAILED
    assert "engine exploded" in run.error
    assert claim.status == ClaimStatus.NEEDS_REVIEW


def test_relative_dates_are_read_against_the_article_and_source_dates(annotator):
    import datetime

    article = ArticleFactory(
        text="The plant closed last year, the mayor said.",
        published_at=datetime.datetime(2024, 3, 1, 12, tzinfo=datetime.UTC),
    )
    claim = claim_create(
        article=article,
        user=annotator,
        exact="plant closed last year",
        text="The plant closed last year.",
    )
    source_add_text(claim=claim, title="Notice", text="The plant closed in 2022.", user=annotator)
    run = claim_submit(claim=claim, user=annotator)
    check_run_execute(run_id=str(run.run_id))
    messages = [f.message for f in run.findings.all()]
    assert "year mismatch: the claim says last year (= 2023), the source says 2022" in messages


@pytest.fixture
def claim_with_a_source_that_crashes_the_reader(claim, annotator, monkeypatch):
    """The claim's pasted source plus an uploaded one whose bytes crash the extractor (a bug)."""
    real_extract = archive.extraction.extract

    def extract(body, content_type, **kwargs):
        if body.startswith(b"CRASH"):
            raise KeyError("page")  # as a library bug on odd input would
        return real_extract(body, content_type, **kwargs)

    monkeypatch.setattr(archive.extraction, "extract", extract)
    upload = SimpleUploadedFile("scan.txt", b"CRASH the bridge cost 56 million.", "text/plain")
    source_add_file(claim=claim, uploaded=upload, title="Scan", user=annotator)
    return claim


def test_a_source_that_crashes_the_reader_fails_alone_and_the_other_sources_are_checked(
    claim_with_a_source_that_crashes_the_reader, annotator, caplog
):
    from verification import tasks

    claim = claim_with_a_source_that_crashes_the_reader
    run = claim_submit(claim=claim, user=annotator)
    tasks.check_run_execute_task.run(str(run.run_id))
    run.refresh_from_db()
    claim.refresh_from_db()
    assert run.status == CheckRunStatus.SUCCEEDED
    assert claim.status == ClaimStatus.NEEDS_REVIEW
    broken = claim.sources.get(kind="file")
    assert broken.state == SourceState.FAILED
    assert broken.failure_reason == "unexpected error while reading it (see the worker log)"
    assert run.error == (
        "Source “Scan” could not be archived: "
        "unexpected error while reading it (see the worker log)."
    )
    # The pasted source was read: its evidence is there, and the stance comes from it.
    assert claim.sources.get(kind="text").state == SourceState.ARCHIVED
    assert Evidence.objects.filter(check_run=run, snapshot__source__kind="text").exists()
    assert claim.transitions.order_by("-id").first().reason.startswith("Machine check done: ")
    logged = [r for r in caplog.records if r.levelname == "ERROR" and r.exc_info]
    assert [r.exc_info[0] for r in logged] == [KeyError]
    assert f"Source {broken.pk} could not be archived" in logged[0].getMessage()


@pytest.mark.parametrize("failure", [OperationalError("database gone"), SoftTimeLimitExceeded()])
def test_a_lost_database_or_time_limit_while_reading_a_source_still_reaches_the_task(
    claim, annotator, monkeypatch, failure
):
    def extract(body, content_type, **kwargs):
        raise failure

    monkeypatch.setattr(archive.extraction, "extract", extract)
    upload = SimpleUploadedFile("scan.txt", b"The bridge cost 56 million.", "text/plain")
    source_add_file(claim=claim, uploaded=upload, title="Scan", user=annotator)
    run = claim_submit(claim=claim, user=annotator)
    with pytest.raises(type(failure)):
        check_run_execute(run_id=str(run.run_id), retry_transient=True)
    # Left for the task's retry (or its time-limit failure), not blamed on the source.
    assert claim.sources.get(kind="file").state != SourceState.FAILED
