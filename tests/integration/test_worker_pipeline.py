"""The wiring, with real parts: a task enqueued after commit runs in a real worker on Redis."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

from annotations.models import Claim, ClaimStatus
from annotations.services import claim_create, source_add_text
from tests.factories import ArticleFactory
from verification import services
from verification.models import CheckRunStatus, Evidence

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.redis, pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _database_url_of_test_db() -> str:
    """The URL of the database this test runs in, for the worker processes to share it."""
    name = connection.settings_dict["NAME"]
    if settings.DATABASE_IS_SQLITE:
        return f"sqlite:///{name}"
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


@pytest.fixture
def worker():
    """A real Celery worker process on the configured Redis, stopped after the test."""
    env = dict(os.environ, DATABASE_URL=_database_url_of_test_db())
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "project",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    yield process
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def _wait_for(predicate, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_a_submitted_claim_is_checked_by_a_real_worker_and_lands_in_the_queue(worker, annotator):
    claim = claim_create(
        article=ArticleFactory(),
        user=annotator,
        exact="Work began in 2019",
        text="Work on the bridge began in 2019.",
    )
    source_add_text(
        claim=claim,
        title="Council minutes",
        text="The minutes record that work on the bridge began in 2021, two years late.",
        user=annotator,
    )
    run = services.claim_submit(claim=claim, user=annotator)  # commits, then enqueues

    assert _wait_for(lambda: Claim.objects.get(pk=claim.pk).status == ClaimStatus.NEEDS_REVIEW), (
        f"the worker did not finish; claim is {Claim.objects.get(pk=claim.pk).status}"
    )
    run.refresh_from_db()
    assert run.status == CheckRunStatus.SUCCEEDED
    assert run.attempts == 1
    assert Evidence.objects.filter(check_run=run, text__contains="2021").exists()
    assert [t.to_status for t in claim.transitions.all()] == [
        "submitted",
        "checking",
        "needs_review",
    ]
