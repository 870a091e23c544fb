"""Transient failures are retried, permanent ones shown; a dead worker's run is swept back."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from annotations.models import ClaimStatus
from annotations.services import claim_create, source_add_text, source_add_url
from tests.factories import ArticleFactory
from verification.checks.services import (
    CheckRunRetry,
    _RunHeartbeat,
    check_run_execute,
    check_run_start,
    check_run_sweep,
    claim_submit,
)
from verification.enqueue import retry_countdown
from verification.models import CheckRun, CheckRunStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim_with_unreachable_source(annotator, settings):
    settings.FACTDESK_FETCH_ALLOW_PRIVATE_ADDRESSES = True
    settings.FACTDESK_FETCH_TIMEOUT_SECONDS = 2
    claim = claim_create(article=ArticleFactory(), user=annotator, exact="Work began in 2019")
    source_add_text(claim=claim, title="Minutes", text="Work began in 2021.", user=annotator)
    # Nothing listens on port 9 of the loopback: "connection refused" is a transient failure.
    source_add_url(claim=claim, url="http://127.0.0.1:9/report.html", user=annotator)
    return claim


def test_a_transient_source_failure_requeues_the_run_with_a_backoff(
    claim_with_unreachable_source, annotator
):
    run = claim_submit(claim=claim_with_unreachable_source, user=annotator)
    with pytest.raises(CheckRunRetry) as retry:
        check_run_execute(run_id=str(run.run_id), retry_transient=True)
    run.refresh_from_db()
    assert run.status == CheckRunStatus.QUEUED
    assert run.progress.startswith("retrying in")
    assert "connection refused" in retry.value.reason
    assert 0 < retry.value.countdown < 5


def test_the_last_attempt_goes_on_without_the_failing_source_and_shows_why(
    claim_with_unreachable_source, annotator, settings
):
    run = claim_submit(claim=claim_with_unreachable_source, user=annotator)
    CheckRun.objects.filter(pk=run.pk).update(attempts=settings.FACTDESK_CHECK_RUN_MAX_ATTEMPTS - 1)
    check_run_execute(run_id=str(run.run_id), retry_transient=True)
    run.refresh_from_db()
    claim_with_unreachable_source.refresh_from_db()
    assert run.status == CheckRunStatus.SUCCEEDED
    assert "connection refused" in run.error
    assert claim_with_unreachable_source.status == ClaimStatus.NEEDS_REVIEW


def test_a_retry_countdown_stays_below_the_broker_visibility_timeout(settings):
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert max(retry_countdown(attempt) for attempt in range(20)) < visibility / 3 + 1


def test_time_limits_sit_below_the_broker_visibility_timeout(settings):
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT < visibility
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["unacked_restore_throttle"] == 1
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["unacked_restore_interval"] <= 10


def test_a_running_run_whose_heartbeat_stopped_is_swept_back_to_the_queue(annotator):
    claim = claim_create(article=ArticleFactory(), user=annotator, exact="Work began in 2019")
    source_add_text(claim=claim, title="Minutes", text="Work began in 2021.", user=annotator)
    run = claim_submit(claim=claim, user=annotator)
    started = check_run_start(run_id=str(run.run_id))
    # Started runs get a short heartbeat deadline, not the whole task time limit.
    assert started.deadline_at < timezone.now() + timedelta(minutes=5)
    CheckRun.objects.filter(pk=run.pk).update(deadline_at=timezone.now() - timedelta(seconds=1))
    assert check_run_sweep()["requeued"] == 1
    run.refresh_from_db()
    assert run.status == CheckRunStatus.QUEUED
    assert run.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_keeps_a_long_run_ahead_of_the_sweeper(annotator, settings):
    """The heartbeat writes from its own thread and connection, so the data must be committed."""
    settings.FACTDESK_CHECK_RUN_HEARTBEAT_SECONDS = 0.05
    claim = claim_create(article=ArticleFactory(), user=annotator, exact="Work began in 2019")
    source_add_text(claim=claim, title="Minutes", text="Work began in 2021.", user=annotator)
    run = claim_submit(claim=claim, user=annotator)
    check_run_start(run_id=str(run.run_id))
    CheckRun.objects.filter(pk=run.pk).update(deadline_at=timezone.now() - timedelta(seconds=1))
    with _RunHeartbeat(run.pk):
        time.sleep(0.3)
    run.refresh_from_db()
    assert run.deadline_at > timezone.now()
    assert check_run_sweep()["requeued"] == 0


def test_a_message_for_a_run_that_no_longer_exists_is_dropped_quietly(caplog):
    assert check_run_start(run_id="00000000-0000-0000-0000-000000000000") is None
    assert "does not exist" in caplog.text
