"""Benchmark webhook delivery: events committed → signed POSTs at a local receiver, real workers.

Run from the project root:  .venv/bin/python bench/bench_webhooks.py [--events 1000] [--workers 2]

Starts a throwaway redis-server (or uses --redis-url, whose default queue must be idle) and a
fresh database (PostgreSQL next to DATABASE_URL's when that is PostgreSQL, else SQLite in a
temporary folder). Each event is emitted in its own transaction; its latency runs from that
commit to the moment the receiver (in this process, same clock) has read and verified the
request. Prints events/s, p50/p99 latency, a no-op Celery task's rate on the same broker and
workers, and the ratio. Any delivery that is not delivered, or arrives unsigned, exits 1.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_pipeline import (  # noqa: E402 - after the path is set
    fresh_database,
    noop_throughput,
    percentile,
    start_redis,
    start_workers,
)


class Arrivals:
    def __init__(self) -> None:
        self.secret = b""
        self.lock = threading.Lock()
        self.at: dict[str, float] = {}  # event id -> first arrival (perf_counter)
        self.bad_signatures = 0
        self.duplicates = 0
        self.done = threading.Event()
        self.expected = 0


ARRIVALS = Arrivals()


class Receiver(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        msg_id, stamp = self.headers["webhook-id"], self.headers["webhook-timestamp"]
        expected = hmac.new(ARRIVALS.secret, f"{msg_id}.{stamp}.".encode() + body, hashlib.sha256)
        given = self.headers["webhook-signature"].partition(",")[2]
        ok = hmac.compare_digest(base64.b64decode(given), expected.digest())
        arrived = time.perf_counter()
        with ARRIVALS.lock:
            if not ok:
                ARRIVALS.bad_signatures += 1
            else:
                event_id = json.loads(body)["id"]
                if event_id in ARRIVALS.at:
                    ARRIVALS.duplicates += 1
                else:
                    ARRIVALS.at[event_id] = arrived
                if len(ARRIVALS.at) >= ARRIVALS.expected:
                    ARRIVALS.done.set()
        self.send_response(200 if ok else 401)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def emit_events(count: int) -> dict[str, float]:
    """Emit `count` events, one transaction each; return each event's commit time."""
    from django.db import transaction

    from verification.webhooks import services

    committed: dict[str, float] = {}
    for i in range(count):
        with transaction.atomic():
            event = services.event_emit(
                event_type="fact.published",
                data=lambda i=i: {"fact": {"id": i, "verdict": "false", "claim": f"Claim {i}"}},
            )
        # The block has committed here; on_commit has just enqueued the delivery.
        committed[event.public_id] = time.perf_counter()
    return committed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--noop", type=int, default=0, help="no-op tasks (default: = events)")
    parser.add_argument("--redis-url", default="", help="an idle Redis instead of a throwaway one")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="factdesk-bench-webhooks-"))
    redis_process = None
    redis_url = args.redis_url
    if not redis_url:
        redis_process, redis_url = start_redis(workdir)
    database_url, drop_database = fresh_database(workdir)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    server.daemon_threads = True
    server.request_queue_size = 128
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        FACTDESK_DATA_DIR=str(workdir),
        FACTDESK_WEBHOOK_ALLOWED_HOSTS=f"127.0.0.1:{server.server_address[1]}",
        LOG_LEVEL="WARNING",
    )
    os.environ.update(env)
    workers: list[subprocess.Popen] = []
    failed = False
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=ROOT, env=env, check=True,
        )
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
        django.setup()
        from project.celery import app
        from verification.webhooks import services
        from verification.webhooks.models import Delivery, DeliveryStatus

        subscription = services.subscription_create(
            name="bench",
            target_url=f"http://127.0.0.1:{server.server_address[1]}/hook",
            events=["fact.published"],
        )
        ARRIVALS.secret = base64.b64decode(subscription.secret.removeprefix("whsec_"))
        workers = start_workers(args.workers, env, workdir)
        noop_rate = noop_throughput(app, redis_url, args.noop or args.events)

        ARRIVALS.expected = args.events
        started = time.perf_counter()
        committed = emit_events(args.events)
        emitted_in = time.perf_counter() - started
        all_arrived = ARRIVALS.done.wait(max(120, args.events / 5))
        finished = max(ARRIVALS.at.values(), default=time.perf_counter())
        # Deliveries are recorded just after the receiver answers; give the last ones a moment.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and Delivery.objects.exclude(
            status=DeliveryStatus.SUCCEEDED
        ).exists():
            time.sleep(0.2)
        statuses = dict.fromkeys(DeliveryStatus.values, 0)
        for status in Delivery.objects.values_list("status", flat=True):
            statuses[status] += 1
        latencies = sorted(ARRIVALS.at[e] - committed[e] for e in committed if e in ARRIVALS.at)
        rate = len(ARRIVALS.at) / (finished - started)
        database = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
        print(f"webhooks: {args.events} events, one transaction each, {args.workers} solo workers,")
        print(f"  broker {redis_url}, database {database}; deliveries: {statuses}")
        print(f"  emitted in {emitted_in:.1f} s ({args.events / emitted_in:.0f} commits/s)")
        print(f"  received {len(ARRIVALS.at)}, duplicates {ARRIVALS.duplicates}, "
              f"bad signatures {ARRIVALS.bad_signatures}")
        print(f"  end to end          {rate:8.1f} events/s")
        if latencies:
            p50, p99 = percentile(latencies, 50) * 1000, percentile(latencies, 99) * 1000
            print(f"  commit→delivered    p50 {p50:.0f} ms, p99 {p99:.0f} ms, "
                  f"max {latencies[-1] * 1000:.0f} ms")
        print(f"no-op Celery task     {noop_rate:8.1f} tasks/s (same broker and workers)")
        print(f"ratio webhooks/no-op  {rate / noop_rate:8.3f}")
        undelivered = Delivery.objects.exclude(status=DeliveryStatus.SUCCEEDED).count()
        if not all_arrived or undelivered or ARRIVALS.bad_signatures:
            print(f"FAILED: {args.events - len(ARRIVALS.at)} events never arrived, "
                  f"{undelivered} deliveries not recorded as delivered, "
                  f"{ARRIVALS.bad_signatures} bad signatures")
            failed = True
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
    if failed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
