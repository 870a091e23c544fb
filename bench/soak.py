"""Soak: mixed desk traffic for ten minutes against real servers while workers and Redis die.

    .venv/bin/python bench/soak.py [--minutes 10] [--database-url postgres://…/factdesk_ops_soak_bench]

What runs (all on 127.0.0.1, started and stopped by this script):
- PostgreSQL: a database whose name must contain "bench"; it is emptied and migrated.
- Redis: a redis-server of its own on a free port (append-only file, fsync every second, as the
  embedded default), never the shared one; it is stopped (SIGTERM) once, half-way, and started
  again 5 s later.
- web: gunicorn with project/gunicorn_conf.py (2 processes x 4 threads), DEBUG off, throttles
  raised out of reach; beat; two Celery workers (concurrency 1 each). Every 30 s one worker, in
  turn, is killed with SIGKILL (its whole process group, mid-task or not) and started again 2 s
  later, as systemd's Restart= would.
- Traffic, from threads with their own API tokens: annotators (an article, a claim, a pasted
  source, then submit), reviewers (take the next claim, give a verdict), a publisher (publishes
  what reviewers finished), readers (facts list, a fact, match).

Settings chosen for the run, and why: FACTDESK_STANCE_MODEL=0 (checks on rules alone, so the
two shared cores go to the web and the workers rather than to the learned model);
FACTDESK_TASK_TIME_LIMIT_SECONDS=60 (a desk whose checks take seconds: the broker's visibility
timeout becomes 75 s and a queued run's deadline 120 s, so runs held by a killed worker come
back within the run instead of after 12 minutes); FACTDESK_SWEEP_INTERVAL_SECONDS=10.

After the traffic stops the script waits (up to --drain seconds) for every submitted claim to
leave `submitted`/`checking`, then reads the database. It fails (exit 1) on: a submit answered
202 whose claim has no finished check run (a lost run), a claim still in submitted/checking (a
stranded claim), any 5xx or connection error outside the Redis restart window (from the stop
until 10 s after Redis answers again). It prints requests per second, p50/p99 by kind of
request, and run latency (submit to check finished).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.api_load import free_port  # noqa: E402
from bench.bench_api import _database_ready, throttle_env  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/factdesk_ops_soak_bench"
HOST = "127.0.0.1"


@dataclass
class Sample:
    at: float
    kind: str
    status: int
    ms: float


@dataclass
class Record:
    samples: list[Sample] = field(default_factory=list)
    submitted: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)


class Client:
    """One keep-alive connection with a token; every request is recorded."""

    def __init__(self, port: int, token: str, record: Record) -> None:
        self.port, self.token, self.record = port, token, record
        self.connection = http.client.HTTPConnection(HOST, port, timeout=30)

    def call(self, kind: str, method: str, path: str, body: dict | None = None):
        headers = {"Authorization": f"Token {self.token}"}
        data = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(body).encode()
        started = time.monotonic()
        try:
            self.connection.request(method, path, body=data, headers=headers)
            response = self.connection.getresponse()
            raw = response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
            status, raw = 0, b""
        self.record.add(Sample(started, kind, status, (time.monotonic() - started) * 1000))
        try:
            return status, json.loads(raw) if raw else None
        except ValueError:
            return status, None


class Services:
    """Redis, web, beat and two workers: started, killed, restarted and stopped here."""

    def __init__(self, env: dict[str, str], workdir: Path, port: int) -> None:
        self.env, self.workdir, self.port = env, workdir, port
        self.redis_port = int(env["SOAK_REDIS_PORT"])
        self.redis: subprocess.Popen | None = None
        self.web: subprocess.Popen | None = None
        self.beat: subprocess.Popen | None = None
        self.workers: dict[str, subprocess.Popen] = {}
        self.log = (workdir / "services.log").open("ab")

    def _spawn(self, command: list[str]) -> subprocess.Popen:
        return subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def redis_start(self) -> None:
        self.redis = subprocess.Popen(
            [
                shutil.which("redis-server") or "/usr/bin/redis-server",
                "--port", str(self.redis_port), "--bind", HOST, "--save", "",
                "--appendonly", "yes", "--appendfsync", "everysec", "--dir", str(self.workdir),
            ],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        import redis

        client = redis.Redis(host=HOST, port=self.redis_port, socket_connect_timeout=1)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if client.ping():
                    return
            except redis.RedisError:
                time.sleep(0.1)
        raise RuntimeError("the soak's redis-server did not start")

    def redis_stop(self) -> None:
        self.redis.send_signal(signal.SIGTERM)
        self.redis.wait(timeout=30)

    def worker_start(self, name: str) -> None:
        self.workers[name] = self._spawn(
            [
                sys.executable, "-m", "celery", "-A", "project", "worker", "--loglevel", "INFO",
                "--concurrency", "1", "--hostname", f"{name}@%h",
            ]
        )

    def worker_kill(self, name: str) -> None:
        os.killpg(self.workers[name].pid, signal.SIGKILL)
        self.workers[name].wait(timeout=10)

    def start(self) -> None:
        self.redis_start()
        self.web = self._spawn(
            [sys.executable, "-m", "gunicorn", "--config", "python:project.gunicorn_conf",
             "project.wsgi:application"]
        )
        self.beat = self._spawn(
            [sys.executable, "-m", "celery", "-A", "project", "beat", "--loglevel", "INFO",
             "--schedule", str(self.workdir / "celerybeat-schedule")]
        )
        for name in ("soak1", "soak2"):
            self.worker_start(name)

    def stop(self) -> None:
        for process in [self.web, self.beat, *self.workers.values()]:
            if process is not None and process.poll() is None:
                os.kill(process.pid, signal.SIGTERM)
        for process in [self.web, self.beat, *self.workers.values()]:
            if process is None:
                continue
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if self.redis is not None and self.redis.poll() is None:
            self.redis.kill()
            self.redis.wait()


def _manage(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
        check=True,
    ).stdout


def _prepare(env: dict[str, str]) -> dict[str, str]:
    """Empty and migrate the database; make the people of the desk; return their tokens."""
    _manage(env, "migrate", "--noinput", "-v", "0")
    _manage(env, "flush", "--noinput")
    _manage(env, "setup_roles")
    code = """
import json
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from rest_framework.authtoken.models import Token
people = {"anna": ["annotator"], "alex": ["annotator"], "amir": ["annotator"],
          "rita": ["reviewer"], "rob": ["reviewer"], "paul": ["publisher"], "reader": []}
tokens = {}
for name, groups in people.items():
    user = get_user_model().objects.create_user(name, password=None)
    user.groups.set(Group.objects.filter(name__in=groups))
    tokens[name] = Token.objects.create(user=user).key
print(json.dumps(tokens))
"""
    return json.loads(_manage(env, "shell", "-c", code).splitlines()[-1])


def annotator(client: Client, record: Record, stop: threading.Event, prefix: str) -> None:
    n = 0
    while not stop.is_set():
        n += 1
        amount = random.randint(10, 990)
        words = f"the {prefix} bridge number {n} cost {amount} million euros"
        text = f"Officials said {words} last year, according to the report."
        status, article = client.call(
            "annotate", "POST", "/api/v1/articles/", {"title": f"{prefix} {n}", "text": text}
        )
        if status != 201:
            time.sleep(0.5)
            continue
        selector = [{"type": "TextQuoteSelector", "exact": words}]
        status, claim = client.call(
            "annotate", "POST", "/api/v1/claims/", {"article": article["id"], "selector": selector}
        )
        if status != 201:
            continue
        said = amount if random.random() < 0.7 else amount + 2
        source = f"The ministry said {prefix} bridge {n} cost {said} million euros."
        client.call(
            "annotate", "POST", f"/api/v1/claims/{claim['id']}/sources/",
            {"title": "Ministry", "text": source},
        )
        status, _ = client.call("submit", "POST", f"/api/v1/claims/{claim['id']}/submit/")
        if status == 202:
            with record.lock:
                record.submitted.append(claim["id"])
        time.sleep(0.4)


def reviewer(client: Client, stop: threading.Event, reviewed: queue.Queue) -> None:
    while not stop.is_set():
        status, claim = client.call("review", "POST", "/api/v1/queue/next/")
        if status != 200:
            time.sleep(1.0)
            continue
        status, _ = client.call(
            "review", "POST", f"/api/v1/claims/{claim['id']}/review/",
            {"verdict": random.choice(["true", "mostly_true", "false"]), "rationale": "Checked."},
        )
        if status == 201:
            reviewed.put(claim["id"])
        time.sleep(0.3)


def publisher(client: Client, stop: threading.Event, reviewed: queue.Queue, facts: list) -> None:
    while not stop.is_set():
        try:
            claim_id = reviewed.get(timeout=1)
        except queue.Empty:
            continue
        status, fact = client.call("publish", "POST", f"/api/v1/claims/{claim_id}/publish/")
        if status == 201 and fact:
            facts.append(fact["id"])


def reader(client: Client, stop: threading.Event, facts: list) -> None:
    while not stop.is_set():
        client.call("read", "GET", "/api/v1/facts/?page_size=20")
        if facts:
            client.call("read", "GET", f"/api/v1/facts/{random.choice(facts)}/")
        amount = random.randint(10, 990)
        client.call(
            "match", "POST", "/api/v1/facts/match/",
            {"text": f"a bridge cost {amount} million euros", "limit": 5},
        )
        time.sleep(0.2)


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))] if ordered else 0.0


def main() -> None:  # noqa: C901 - one script, read top to bottom
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--kill-every", type=float, default=30.0)
    parser.add_argument("--drain", type=float, default=300.0)
    parser.add_argument("--port", type=int, default=8103)
    args = parser.parse_args()
    _database_ready(args.database_url)
    workdir = Path(tempfile.mkdtemp(prefix="factdesk-soak-"))
    redis_port = free_port()
    env = dict(
        os.environ,
        DATABASE_URL=args.database_url,
        REDIS_URL=f"redis://{HOST}:{redis_port}/0",
        SOAK_REDIS_PORT=str(redis_port),
        FACTDESK_ENV="development",
        DEBUG="0",
        FACTDESK_DATA_DIR=str(workdir),
        FACTDESK_ADDRESS=f"{HOST}:{args.port}",
        FACTDESK_STANCE_MODEL="0",
        FACTDESK_TASK_TIME_LIMIT_SECONDS="60",
        FACTDESK_SWEEP_INTERVAL_SECONDS="10",
        LOG_LEVEL="INFO",
    )
    os.environ["DJANGO_SETTINGS_MODULE"] = "project.settings"
    os.environ["DATABASE_URL"] = args.database_url
    import django

    django.setup()
    from django.conf import settings

    env |= throttle_env(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"])
    tokens = _prepare(env)
    services = Services(env, workdir, args.port)
    record = Record()
    stop = threading.Event()
    reviewed: queue.Queue = queue.Queue()
    facts: list[int] = []
    kills = 0
    redis_window = (0.0, 0.0)
    print(
        f"soak: {args.minutes:.0f} min, web on {HOST}:{args.port}, redis-server on port "
        f"{redis_port} (own), PostgreSQL {args.database_url.rsplit('/', 1)[1]}, logs in "
        f"{workdir}/services.log; load average at start {os.getloadavg()[0]:.1f} "
        f"({os.cpu_count()} CPUs, shared with other users of this machine)",
        flush=True,
    )
    try:
        services.start()
        import urllib.request

        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://{HOST}:{args.port}/readyz", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the desk did not become ready in 120 s")
            time.sleep(1)
        started = time.monotonic()
        threads = []
        for name in ("anna", "alex", "amir"):
            client = Client(args.port, tokens[name], record)
            threads.append(threading.Thread(target=annotator, args=(client, record, stop, name)))
        for name in ("rita", "rob"):
            client = Client(args.port, tokens[name], record)
            threads.append(threading.Thread(target=reviewer, args=(client, stop, reviewed)))
        threads.append(
            threading.Thread(
                target=publisher,
                args=(Client(args.port, tokens["paul"], record), stop, reviewed, facts),
            )
        )
        for _ in range(2):
            client = Client(args.port, tokens["reader"], record)
            threads.append(threading.Thread(target=reader, args=(client, stop, facts)))
        for thread in threads:
            thread.start()
        end = started + args.minutes * 60
        next_kill = started + args.kill_every
        redis_due = started + args.minutes * 30
        redis_done = False
        turn = 0
        while time.monotonic() < end:
            now = time.monotonic()
            if now >= next_kill:
                name = ("soak1", "soak2")[turn % 2]
                turn += 1
                services.worker_kill(name)
                kills += 1
                time.sleep(2)
                services.worker_start(name)
                next_kill += args.kill_every
            if not redis_done and now >= redis_due:
                down = time.monotonic()
                services.redis_stop()
                time.sleep(5)
                services.redis_start()
                redis_window = (down, time.monotonic() + 10)
                redis_done = True
                print(
                    f"soak: Redis stopped at {down - started:.0f} s and answered again "
                    f"{redis_window[1] - 10 - down:.1f} s later",
                    flush=True,
                )
            time.sleep(0.2)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        traffic_seconds = time.monotonic() - started
        print(f"soak: traffic stopped after {traffic_seconds:.0f} s; draining…", flush=True)

        from annotations.models import Claim, ClaimStatus
        from verification.models import CheckRun, CheckRunStatus

        waiting = (ClaimStatus.SUBMITTED, ClaimStatus.CHECKING)
        drain_deadline = time.monotonic() + args.drain
        while time.monotonic() < drain_deadline:
            if not Claim.objects.filter(pk__in=record.submitted, status__in=waiting).exists():
                break
            time.sleep(2)
        drained = time.monotonic() - (started + traffic_seconds)
    finally:
        stop.set()
        services.stop()

    # --- Figures and verdict ----------------------------------------------------------------
    problems = []
    submitted = set(record.submitted)
    stranded = list(
        Claim.objects.filter(pk__in=submitted, status__in=waiting).values_list("pk", "status")
    )
    if stranded:
        problems.append(f"{len(stranded)} claim(s) stranded in submitted/checking: {stranded[:10]}")
    finished_runs = CheckRun.objects.filter(
        claim_id__in=submitted, status__in=(CheckRunStatus.SUCCEEDED, CheckRunStatus.FAILED)
    )
    with_run = set(finished_runs.values_list("claim_id", flat=True))
    lost = sorted(submitted - with_run)
    if lost:
        problems.append(f"{len(lost)} submit(s) answered 202 without a finished run: {lost[:10]}")
    failed_runs = list(
        CheckRun.objects.filter(claim_id__in=submitted, status=CheckRunStatus.FAILED).values_list(
            "claim_id", "error"
        )
    )
    latencies = [
        (run.finished_at - run.created_at).total_seconds()
        for run in finished_runs.filter(status=CheckRunStatus.SUCCEEDED)
    ]
    attempts = list(finished_runs.values_list("attempts", flat=True))
    low, high = redis_window
    in_window = [s for s in record.samples if low <= s.at <= high]
    outside = [s for s in record.samples if not low <= s.at <= high]
    bad_outside = [s for s in outside if s.status >= 500 or s.status == 0]
    if bad_outside:
        problems.append(
            f"{len(bad_outside)} 5xx/connection errors outside the Redis restart window: "
            + ", ".join(f"{s.kind} {s.status} at {s.at - started:.0f}s" for s in bad_outside[:10])
        )
    bad_inside = [s for s in in_window if s.status >= 500 or s.status == 0]

    print(f"\nsoak figures ({traffic_seconds:.0f} s of traffic, {kills} worker kills, "
          f"Redis restarted once, drained in {drained:.0f} s):")
    total = len(record.samples)
    everything = [s.ms for s in record.samples]
    print(
        f"  requests {total}, {total / traffic_seconds:.1f} req/s; p50 "
        f"{_percentile(everything, 50):.1f} ms, p99 {_percentile(everything, 99):.1f} ms"
    )
    for kind in ("annotate", "submit", "review", "publish", "read", "match"):
        mine = [s for s in record.samples if s.kind == kind]
        if not mine:
            continue
        statuses: dict[int, int] = {}
        for s in mine:
            statuses[s.status] = statuses.get(s.status, 0) + 1
        ms = [s.ms for s in mine]
        print(
            f"  {kind:<9} {len(mine):6d} requests  p50 {_percentile(ms, 50):7.1f} ms  "
            f"p99 {_percentile(ms, 99):7.1f} ms  statuses {dict(sorted(statuses.items()))}"
        )
    print(
        f"  claims submitted (202): {len(submitted)}; runs finished: {len(with_run)} "
        f"({len(failed_runs)} failed: {failed_runs[:3]}); published facts: {len(facts)}"
    )
    if latencies:
        print(
            f"  run latency (submit to check finished): p50 {statistics.median(latencies):.1f} s, "
            f"p99 {_percentile(latencies, 99):.1f} s, max {max(latencies):.1f} s; attempts "
            f"per run: {dict(sorted({a: attempts.count(a) for a in set(attempts)}.items()))}"
        )
    print(
        f"  Redis restart window {high - low:.0f} s: {len(in_window)} requests, "
        f"{len(bad_inside)} of them 5xx or connection errors"
    )
    print(f"  lost runs: {len(lost)}; stranded claims: {len(stranded)}")
    if problems:
        print("\nsoak FAILED:")
        for problem in problems:
            print(f"  {problem}")
        sys.exit(1)
    print("\nsoak passed: no lost run, no stranded claim, no 5xx outside the Redis restart.")


if __name__ == "__main__":
    main()
