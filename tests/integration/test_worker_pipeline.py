"""The wiring, with real parts: a task enqueued after commit runs in a real worker on Redis."""

import pytest
from django.conf import settings

from annotations.models import Claim, ClaimStatus
from annotations.services import claim_create, source_add_text
from tests.factories import ArticleFactory
from tests.integration.processes import service_env, start_worker, stop_worker, wait_for
from verification.checks.services import claim_submit
from verification.models import CheckRunStatus, Evidence

pytestmark = [pytest.mark.redis, pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(tmp_path):
    """A real Celery worker process on the configured Redis, stopped after the test."""
    process = start_worker(
        service_env(settings.REDIS_URL), name="wiring", log=tmp_path / "worker.log"
    )
    yield process
    stop_worker(process)


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
    run = claim_submit(claim=claim, user=annotator)  # commits, then enqueues

    assert wait_for(lambda: Claim.objects.get(pk=claim.pk).status == ClaimStatus.NEEDS_REVIEW), (
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
