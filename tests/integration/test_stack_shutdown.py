"""`make run`'s process stack: closing its terminal stops every process it started."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
READY = "Ctrl-C stops everything"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A child reaped by nobody yet is a zombie, not a running process.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(") ", 1)[1].startswith("Z"))


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGINT], ids=["hangup", "ctrl-c"])
def test_the_stack_stops_all_its_processes(tmp_path, signum):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env |= {
        "FACTDESK_DATA_DIR": str(tmp_path),
        "FACTDESK_ADDRESS": f"127.0.0.1:{_free_port()}",
        "FACTDESK_STANCE_MODEL": "0",
        "PYTHONUNBUFFERED": "1",
    }
    log = tmp_path / "stack.log"
    with log.open("wb") as out:
        stack = subprocess.Popen(
            [sys.executable, "-m", "project.stack", "run"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 120
        while READY not in log.read_text(errors="replace"):
            assert stack.poll() is None, log.read_text(errors="replace")[-2000:]
            assert time.monotonic() < deadline, "the stack did not start in 120 s"
            time.sleep(0.5)
        children = [int(p) for p in re.findall(r"started .+? \(pid (\d+)\)", log.read_text())]
        assert len(children) == 4  # embedded Redis, worker, beat, web
        stack.send_signal(signum)
        assert stack.wait(timeout=60) == 0
        time.sleep(0.5)
        assert [pid for pid in children if _alive(pid)] == []
    finally:
        if stack.poll() is None:
            os.killpg(stack.pid, signal.SIGKILL)
