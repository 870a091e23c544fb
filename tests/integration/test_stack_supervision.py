"""`make run` keeps the desk up when one of its parts dies, and loses no submit meanwhile."""

from __future__ import annotations

import os
import signal
import time

import pytest

from tests.integration.desk_http import Desk

pytestmark = pytest.mark.integration


def _kill(pid: int) -> None:
    os.kill(pid, signal.SIGKILL)


def _wait_for_new_pid(desk: Desk, name: str, known: int, seconds: float = 60) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pids = desk.pids(name)
        if len(pids) > known:
            return pids[-1]
        time.sleep(0.1)
    raise AssertionError(f"{name} was not restarted:\n{desk.output()[-3000:]}")


@pytest.fixture
def desk(tmp_path):
    running = Desk(tmp_path, FACTDESK_SWEEP_INTERVAL_SECONDS="5")
    try:
        running.start()
        running.sign_in()
        yield running
    finally:
        running.stop()


def test_a_killed_embedded_redis_is_restarted_and_submits_before_and_after_complete(desk):
    # The claim is made first, so the broker's short absence only has to cover the submit.
    during = desk.claim_with_source("the outage claim cost 41 million euros")
    # Kill the broker four times in a row: each quick death doubles the pause before the next
    # start (1, 2, 4, then 8 s), which leaves a window with no broker at all.
    for kills in range(1, 5):
        _kill(desk.pids("embedded Redis")[-1])
        if kills < 4:
            _wait_for_new_pid(desk, "embedded Redis", known=kills)
    # The broker is away: pages are still served, readiness says what is missing, and a
    # submit is accepted; its run is sent once the broker is back.
    assert desk.get("/admin/login/")[0] == 200
    assert desk.get("/healthz")[0] == 200
    status, readiness, _ = desk.get("/readyz")
    assert status == 503
    assert readiness["checks"]["broker"]["ok"] is False
    status, _, _ = desk.request("POST", f"/api/v1/claims/{during}/submit/")
    assert status == 202
    assert desk.wait_for_status([during], "submitted", 1) == {during: "submitted"}
    assert "Could not enqueue check run" in desk.output()
    assert "exited with -9" in desk.output()

    assert desk.wait_ready(90), desk.get("/readyz")
    after = desk.claim_with_source("the recovered claim cost 42 million euros")
    status, _, _ = desk.request("POST", f"/api/v1/claims/{after}/submit/")
    assert status == 202
    assert desk.wait_for_status([during, after], "needs_review", 120) == {
        during: "needs_review",
        after: "needs_review",
    }


def test_a_killed_worker_beat_and_web_are_each_restarted(desk):
    for name in ("worker", "beat", "web"):
        _kill(desk.pids(name)[-1])
        _wait_for_new_pid(desk, name, known=1)
    assert desk.wait_ready(90), desk.get("/readyz")
    claim = desk.claim_with_source("the budget grew by 7 percent")
    submit = desk.request(
        "POST", f"/api/v1/claims/{claim}/submit/", headers={"X-Request-ID": "submit-7-percent"}
    )
    assert (submit[0], submit[2]["X-Request-ID"]) == (202, "submit-7-percent")
    assert desk.wait_for_status([claim], "needs_review", 120) == {claim: "needs_review"}
    # The request id went with the run into the worker: its one line about the task carries it.
    task_lines = [
        line
        for line in desk.output().splitlines()
        if "factdesk.task [submit-7-percent]" in line and "check_run_execute_task" in line
    ]
    assert len(task_lines) == 1, desk.output()[-3000:]
    assert " SUCCESS in " in task_lines[0]
    assert desk.stop() == 0
