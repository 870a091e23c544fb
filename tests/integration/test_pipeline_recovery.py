"""No lost work, with real parts: a killed worker, a restarted Redis, a burst of submissions.

Each test runs its own redis-server (see processes.py) and real Celery worker processes on
this test's database. Sources are served by a local HTTP server.
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from annotations.models import Claim, ClaimStatus
from annotations.services import claim_create, source_add_text, source_add_url
from tests.factories import ArticleFactory
from tests.integration.processes import (
    SUBMIT,
    SWEEP,
    kill_worker,
    manage_snippet,
    service_env,
    start_worker,
    wait_for,
)
from tests.local_site import LocalSite, running, send
from verification.models import CheckRun, CheckRunStatus, Evidence, SourceSnapshot

pytestmark = [pytest.mark.redis, pytest.mark.integration, pytest.mark.django_db(transaction=True)]

REPORT = (
    b"<html><head><title>Bridge audit</title></head><body><article>"
    b"<p>The council published its accounts on Monday after a long delay.</p>"
    b"<p>The bridge cost 85 million euros, according to the audit office, far above plan.</p>"
    b"<p>Work on the bridge began in 2019 and ended in 2023, two years late.</p>"
    b"</article></body></html>"
)

# Short limits so a killed worker's message comes back within the test's minute: hard limit
# 20 s → visibility timeout 30 s; the restore scan every 2 s.
FAST_RECOVERY = {
    "FACTDESK_TASK_TIME_LIMIT_SECONDS": "20",
    "FACTDESK_BROKER_RESTORE_INTERVAL_SECONDS": "2",
    "FACTDESK_FETCH_TIMEOUT_SECONDS": "15",
}


@pytest.fixture
def site():
    local = LocalSite()
    with running(local):
        yield local


def _claim(annotator, text="The bridge cost 56 million euros."):
    exact = "the bridge cost 56 million euros"
    return claim_create(article=ArticleFactory(), user=annotator, exact=exact, text=text)


@pytest.fixture(autouse=True)
def local_sources_allowed(settings):
    """The sources live on this test's local site: the workers may fetch them (service_env),
    and this process, which attaches them, must accept their 127.0.0.1 address too."""
    settings.FACTDESK_FETCH_ALLOW_PRIVATE_ADDRESSES = True


def test_a_run_whose_worker_is_killed_completes_on_another_worker_with_evidence_stored_once(
    broker, workers, site, annotator, tmp_path
):
    held = threading.Event()
    released = threading.Event()

    @site.route("/slow-report.html")
    def slow(handler):
        # The first fetch hangs until the test has killed the worker doing it.
        if not held.is_set():
            held.set()
            released.wait(30)
        send(handler, 200, REPORT, "text/html; charset=utf-8")

    claim = _claim(annotator)
    source_add_url(claim=claim, url=site.url("/slow-report.html"), user=annotator)
    env = service_env(broker.url, **FAST_RECOVERY)
    first = start_worker(env, name="first", log=tmp_path / "first.log")
    workers.append(first)
    manage_snippet(SUBMIT, dict(env, SUBMIT_AS=annotator.username, SUBMIT_CLAIMS=str(claim.pk)))
    assert held.wait(30), "the first worker never fetched the source"
    run = CheckRun.objects.get(claim=claim)
    assert run.status == CheckRunStatus.RUNNING

    kill_worker(first)
    killed_at = time.monotonic()
    released.set()
    workers.append(start_worker(env, name="second", log=tmp_path / "second.log"))

    assert wait_for(
        lambda: Claim.objects.get(pk=claim.pk).status == ClaimStatus.NEEDS_REVIEW, 60
    ), f"not recovered within 60 s; run: {CheckRun.objects.filter(pk=run.pk).values().first()}"
    recovered_in = time.monotonic() - killed_at
    run.refresh_from_db()
    assert run.status == CheckRunStatus.SUCCEEDED, run.error
    assert run.attempts == 2
    assert recovered_in < 60
    assert SourceSnapshot.objects.filter(source__claims=claim).count() == 1
    spans = list(Evidence.objects.filter(check_run=run).values_list("snapshot", "start", "end"))
    assert spans and len(spans) == len(set(spans))
    assert Evidence.objects.filter(check_run=run, text__contains="85 million").count() == 1
    assert CheckRun.objects.filter(claim=claim).count() == 1


def test_after_redis_restarts_mid_batch_the_sweeper_brings_every_claim_to_review(
    broker, workers, site, annotator, tmp_path
):
    @site.route("/report.html")
    def report(handler):
        time.sleep(0.3)  # slow enough that the batch is still going when Redis restarts
        send(handler, 200, REPORT, "text/html; charset=utf-8")

    claims = []
    for i in range(30):
        claim = _claim(annotator, text=f"The bridge cost 56 million euros ({i}).")
        source_add_url(claim=claim, url=site.url(f"/report.html?claim={i}"), user=annotator)
        claims.append(claim)
    env = service_env(
        broker.url,
        FACTDESK_CHECK_RUN_DEADLINE_SECONDS="10",
        FACTDESK_CHECK_RUN_HEARTBEAT_SECONDS="1",
        FACTDESK_CHECK_RUN_LEASE_SECONDS="3",
        **FAST_RECOVERY,
    )
    for name in ("one", "two"):
        workers.append(start_worker(env, name=name, log=tmp_path / f"{name}.log"))
    ids = ",".join(str(c.pk) for c in claims)
    manage_snippet(SUBMIT, dict(env, SUBMIT_AS=annotator.username, SUBMIT_CLAIMS=ids))

    def settled() -> int:
        return Claim.objects.filter(pk__in=[c.pk for c in claims], status="needs_review").count()

    assert wait_for(lambda: settled() >= 5, 60), "the batch did not start"
    broker.restart()  # no persistence: every queued and unacknowledged message is gone
    assert settled() < len(claims), "the batch finished before the restart; make it slower"

    deadline = time.monotonic() + 120
    while settled() < len(claims) and time.monotonic() < deadline:
        time.sleep(3)
        manage_snippet(SWEEP, env)
    assert settled() == len(claims), list(
        CheckRun.objects.exclude(status="succeeded").values("claim_id", "status", "progress")
    )
    runs = CheckRun.objects.filter(claim__in=claims)
    assert runs.count() == len(claims)
    assert set(runs.values_list("status", flat=True)) <= {"succeeded", "failed"}
    for run in runs.filter(status="succeeded"):
        spans = list(run.evidence.values_list("snapshot", "start", "end"))
        assert len(spans) == len(set(spans))


def test_two_hundred_claims_submitted_in_parallel_each_get_exactly_one_run(
    broker, workers, annotator, tmp_path
):
    claims = []
    for i in range(200):
        claim = _claim(annotator, text=f"The bridge cost 56 million euros ({i}).")
        source_add_text(
            claim=claim,
            title=f"Audit {i}",
            text="The bridge cost 85 million euros, according to the audit office.",
            user=annotator,
        )
        claims.append(claim)
    env = service_env(broker.url)
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    for name, log in zip(("a", "b"), logs, strict=True):
        workers.append(start_worker(env, name=name, log=log))

    # Four submitting processes at once, each with its own 50 claims.
    batches = [claims[i::4] for i in range(4)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(
            pool.map(
                lambda batch: manage_snippet(
                    SUBMIT,
                    dict(
                        env,
                        SUBMIT_AS=annotator.username,
                        SUBMIT_CLAIMS=",".join(str(c.pk) for c in batch),
                    ),
                    timeout=300,
                ),
                batches,
            )
        )

    ids = [c.pk for c in claims]
    assert wait_for(
        lambda: Claim.objects.filter(pk__in=ids, status="needs_review").count() == len(ids), 240
    ), Claim.objects.filter(pk__in=ids).exclude(status="needs_review").count()
    runs = CheckRun.objects.filter(claim_id__in=ids)
    assert runs.count() == len(ids)  # no duplicate runs
    assert set(runs.values_list("status", flat=True)) == {"succeeded"}
    assert set(runs.values_list("attempts", flat=True)) == {1}  # every message found its run
    for log in logs:
        text = log.read_text(errors="replace")
        assert "DoesNotExist" not in text
        assert "does not exist" not in text
        assert "Traceback" not in text
