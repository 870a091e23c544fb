"""The facts list served by gunicorn (as `make run` and docs/deploy.md serve it) against runserver.

    .venv/bin/python bench/bench_serving.py [--database-url postgres://…/factdesk_ops_bench]
                                            [--facts 20000] [--reuse] [--seconds 10]

Seeds published facts into a PostgreSQL database whose name must contain "bench" (the same
seeder as bench_api.py), then, in one run and one after the other on the same port and data:
gunicorn with project/gunicorn_conf.py (FACTDESK_WEB_WORKERS × FACTDESK_WEB_THREADS, 2 × 4 by
default) and `manage.py runserver --noreload` (Django's development server, one thread a
request). For each: the maximum rate of `GET /api/v1/facts/?page_size=50` with wrk, then the
latency at half of that rate on a fixed schedule (bench/api_load.py fixed_rate, no coordinated
omission); runserver also at half of gunicorn's maximum, the same load for both. DEBUG is off,
throttles are raised out of reach. Any answer that is not a 2xx makes the bench exit 1.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import api_load  # noqa: E402
from bench.bench_api import _database_ready, _seed, _setup_django, throttle_env  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/factdesk_ops_bench"
LIST_PATH = "/api/v1/facts/?page_size=50"
PROBLEMS: list[str] = []


class Web:
    """A web server of the desk on 127.0.0.1:port, stopped with SIGTERM on exit."""

    def __init__(self, kind: str, env: dict[str, str], port: int) -> None:
        self.kind, self.port = kind, port
        if kind == "gunicorn":
            self.command = [
                sys.executable, "-m", "gunicorn",
                "--config", "python:project.gunicorn_conf", "project.wsgi:application",
            ]
        else:
            self.command = [
                sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload",
            ]
        self.env = os.environ | env | {"FACTDESK_ADDRESS": f"127.0.0.1:{port}"}
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Web:
        self.process = subprocess.Popen(
            self.command, cwd=ROOT, env=self.env, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.kind} exited with {self.process.returncode}")
            try:
                if api_load.request("GET", self.port, LIST_PATH)[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{self.kind} did not answer within 60 s")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def _check(label: str, not_2xx: int, sent: int) -> str:
    if not_2xx:
        PROBLEMS.append(f"{label}: {not_2xx} of {sent} answers were not 2xx")
        return f"{not_2xx} NOT 2xx"
    return "all 2xx"


def measure(web: Web, seconds: int, extra_rate: float | None = None) -> dict:
    base = f"http://127.0.0.1:{web.port}"
    for _ in range(20):
        assert api_load.request("GET", web.port, LIST_PATH)[0] == 200
    most = api_load.wrk(base + LIST_PATH, seconds=seconds, connections=8)
    answers = _check(f"{web.kind} wrk", most.non_2xx + most.socket_errors, most.requests)
    print(
        f"  {web.kind:<9} max {most.requests_per_second:7.1f} req/s (wrk, 8 connections; "
        f"p50 {most.latency_ms['p50']:.1f} ms, p99 {most.latency_ms['p99']:.1f} ms) {answers}"
    )
    print(f"      $ {most.command}")
    result = {"max": most.requests_per_second}
    rates = [("own half", most.requests_per_second / 2)]
    if extra_rate:
        rates.append(("same", extra_rate))
    for label, rate in rates:
        run = api_load.fixed_rate(
            web.port, [("GET", LIST_PATH, None)], rate=rate, seconds=seconds * 2, clients=16
        )
        answers = _check(f"{web.kind} at {label}", run.not_2xx, run.sent)
        label_text = "gunicorn's half" if label == "same" else label
        print(
            f"  {web.kind:<9} at {label_text} of max ({rate:.1f} req/s, {run.sent} requests): "
            f"p50 {run.percentile(50):.1f} ms  p99 {run.percentile(99):.1f} ms  "
            f"max {max(run.latencies_ms):.1f} ms  {answers}"
        )
        result[label] = run.percentile(99)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--facts", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--port", type=int, default=8103)
    parser.add_argument("--reuse", action="store_true", help="keep facts already seeded")
    args = parser.parse_args()
    _database_ready(args.database_url)
    _setup_django(args.database_url)
    from django.conf import settings

    _seed(args)
    env = {
        "DATABASE_URL": args.database_url,
        "FACTDESK_ENV": "development",
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "FACTDESK_DATA_DIR": str(ROOT / "var" / "bench-serving"),
        **throttle_env(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]),
    }
    load = os.getloadavg()[0]
    print(
        f"\nGET {LIST_PATH} over {args.facts:,} facts, PostgreSQL; {os.cpu_count()} CPUs shared by "
        f"server, database and load generator (load average {load:.1f} at start)"
    )
    with Web("gunicorn", env, args.port) as web:
        print(f"  $ {' '.join(web.command)}  (FACTDESK_WEB_WORKERS/THREADS default 2 x 4)")
        gunicorn = measure(web, args.seconds)
    with Web("runserver", env, args.port) as web:
        print(f"  $ {' '.join(web.command)}")
        runserver = measure(web, args.seconds, extra_rate=gunicorn["max"] / 2)
    g_half, r_half, r_same = gunicorn["own half"], runserver["own half"], runserver["same"]
    print(
        f"\n  max rate gunicorn / runserver: {gunicorn['max'] / runserver['max']:.2f}x; "
        f"p99 at each one's half max: gunicorn {g_half:.1f} ms, runserver {r_half:.1f} ms "
        f"(runserver / gunicorn {r_half / g_half:.2f}x); p99 of runserver at gunicorn's half "
        f"max: {r_same:.1f} ms ({r_same / g_half:.2f}x gunicorn's)"
    )
    verdict = "meets" if gunicorn["own half"] < 100 else "MISSES"
    print(f"  gunicorn p99 at half its max < 100 ms: {verdict} the target")
    if PROBLEMS:
        print("\nbench_serving FAILED: answers that were not 2xx:")
        for problem in PROBLEMS:
            print(f"  {problem}")
        sys.exit(1)


if __name__ == "__main__":
    main()
