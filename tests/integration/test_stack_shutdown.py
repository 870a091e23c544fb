"""`make run`'s process stack: Ctrl-C, or closing its terminal, stops every process it started."""

from __future__ import annotations

import fcntl
import os
import re
import signal
import subprocess
import sys
import termios
import time
from pathlib import Path

from tests import paths
from tests.integration.processes import free_port

ROOT = paths.ROOT
READY = b"Ctrl-C stops everything"
STARTED = re.compile(rb"started .+? \(pid (\d+)\)")


def _env(data_dir: Path) -> dict[str, str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    return env | {
        "FACTDESK_DATA_DIR": str(data_dir),
        "FACTDESK_ADDRESS": f"127.0.0.1:{port}",
        "FACTDESK_STANCE_MODEL": "0",
        "PYTHONUNBUFFERED": "1",
    }


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A child reaped by nobody yet is a zombie, not a running process.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(") ", 1)[1].startswith("Z"))


def _wait_ready(read_more) -> list[int]:
    output, deadline = b"", time.monotonic() + 120
    while READY not in output:
        assert time.monotonic() < deadline, output[-2000:]
        output += read_more()
    children = [int(pid) for pid in STARTED.findall(output)]
    assert len(children) == 4, output[-2000:]  # embedded Redis, worker, beat, web
    return children


def _kill_leftovers(children: list[int]) -> None:
    for pid in children:
        if _alive(pid):
            os.killpg(pid, signal.SIGKILL)


def test_ctrl_c_stops_every_process(tmp_path):
    log = tmp_path / "stack.log"
    with log.open("wb") as out:
        stack = subprocess.Popen(
            [sys.executable, "-m", "project.stack", "run"],
            cwd=ROOT,
            env=_env(tmp_path),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    children: list[int] = []
    try:
        output, deadline = b"", time.monotonic() + 120
        while READY not in output:
            assert stack.poll() is None, output[-2000:]
            assert time.monotonic() < deadline, "the stack did not start in 120 s"
            time.sleep(0.3)
            output = log.read_bytes()
        children = [int(pid) for pid in STARTED.findall(output)]
        assert len(children) == 4
        stack.send_signal(signal.SIGINT)
        assert stack.wait(timeout=60) == 0
        time.sleep(0.5)
        assert [pid for pid in children if _alive(pid)] == []
    finally:
        if stack.poll() is None:
            os.killpg(stack.pid, signal.SIGKILL)
        _kill_leftovers(children)


def test_closing_its_terminal_stops_every_process(tmp_path):
    # A real terminal: once it hangs up, writing to it fails, which must not stop the cleanup.
    master, slave = os.openpty()
    env = _env(tmp_path)
    pid = os.fork()
    if pid == 0:  # the child: a new session whose controlling terminal is the pty
        try:
            os.setsid()
            fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
            for fd in (0, 1, 2):
                os.dup2(slave, fd)
            os.chdir(ROOT)
            os.execve(sys.executable, [sys.executable, "-m", "project.stack", "run"], env)  # noqa: S606
        finally:
            os._exit(127)
    os.close(slave)
    children: list[int] = []
    try:
        children = _wait_ready(lambda: os.read(master, 65536))
        os.close(master)  # the terminal window is closed: the session gets SIGHUP
        master = -1
        os.waitpid(pid, 0)
        time.sleep(0.5)
        assert [child for child in children if _alive(child)] == []
    finally:
        if master >= 0:
            os.close(master)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        _kill_leftovers(children)
