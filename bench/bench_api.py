"""Benchmark the verified-facts API on PostgreSQL with 100,000 published facts.

Run from the project root (needs PostgreSQL, wrk from Debian and gunicorn in .venv):

    .venv/bin/python bench/bench_api.py [--database-url postgres://…/factdesk_bench] [--reuse]

It creates (or, with --reuse, keeps) the facts in a dedicated database whose name must contain
"bench", serves the project with gunicorn (2 sync workers, DEBUG off, throttles raised) on
127.0.0.1, and measures in the same run:

(a) `GET /api/v1/facts/?page_size=50` against two minimal views over the same page (`.values()`
    and `JsonResponse`; one with the fact rows only, one with their evidence too), with wrk:
    requests a second and the ratio; then the API's latency at half its measured maximum rate,
    sent on a fixed schedule (bench/api_load.py).
(b) `POST /api/v1/facts/match/`: latency one request at a time, at wrk's maximum and at half of
    it on a fixed schedule; recall@1 and recall@5 on reworded facts, at the default min_score
    floor (what a client gets). The reworded set: 200 facts
    drawn with the seed; each query is the fact's claim text where every word that has a listed
    synonym is replaced by it with probability 0.8 ("increased" → "rose", "mayor" → "city
    leader", "percent" → "per cent"), numbers up to 999 are written as words with probability
    0.7 ("58" → "fifty-eight"), every other word is dropped with probability 0.2, the last third
    is moved to the front half the time, and a framing ("Is it true that", "Viral post claims")
    is put before it half the time. About 15% of facts are near-duplicates of another (same
    sentence, other number and year), so some targets have a twin that differs only there.
    100 unrelated claim-shaped sentences, asked with min_score 0, give the scores of texts that
    match nothing.
(c) `GET /api/v1/facts/export.jsonl` of every fact from a freshly started server: time, size,
    and the serving worker's resident memory before, during and at its peak.

Every figure is printed with the command that produced it. The server is stopped on exit.
Only 2xx answers count as served: any other answer (a 429 from a throttle, a 5xx) or a socket
error in any round is printed where it happened and again at the end, and the bench exits 1.
The server's throttles stay on with rates no run can reach, for every scope the settings
define; the bench refuses to start if one of them is not raised.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import api_load  # noqa: E402
from bench.api_data import Generator, reword  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/factdesk_bench"
LIST_PATH = "/api/v1/facts/?page_size=50"
BASELINE_ROWS = "/bench/fact-rows/?page_size=50"
BASELINE_EVIDENCE = "/bench/fact-rows-evidence/?page_size=50"
MATCH_PATH = "/api/v1/facts/match/"
FLOORS = (0.0, 0.1, 0.2, 0.25, 0.3, 0.4)
EXPORT_PATH = "/api/v1/facts/export.jsonl"
# Per second, so a throttle's history of request times stays short.
UNREACHABLE_RATE = "1000000/s"
# Every answer that was not a 2xx, by where it happened; any makes the bench fail.
PROBLEMS: list[str] = []


def throttle_env(rates: dict[str, str]) -> dict[str, str]:
    """Environment raising every throttle scope of the settings (FACTDESK_THROTTLE_<SCOPE>).

    All scopes, not a chosen few: an anonymous client is counted by the `user` throttle too
    (DRF's UserRateThrottle falls back to the address), and a scope left at its production rate
    answers 429 once a round has sent enough.
    """
    return {f"FACTDESK_THROTTLE_{scope.upper()}": UNREACHABLE_RATE for scope in rates}


def throttles_not_raised(rates: dict[str, str]) -> list[str]:
    """The throttle scopes whose rate a bench run could reach."""
    return [f"{scope}={rate}" for scope, rate in rates.items() if rate != UNREACHABLE_RATE]


def answers_check(label: str, *, not_2xx: int, socket_errors: int = 0, sent: int = 0) -> str:
    """Record a run's answers that were not 2xx; return the words to print after its figures."""
    if not not_2xx and not socket_errors:
        return "all 2xx"
    problem = f"{label}: {not_2xx} answers not 2xx, {socket_errors} socket errors"
    if sent:
        problem += f" (of {sent})"
    PROBLEMS.append(problem)
    return f"NOT ALL 2xx: {not_2xx} non-2xx, {socket_errors} socket errors"


def _skip(reason: str) -> None:
    if os.environ.get("FACTDESK_REQUIRE_SERVICES", "") in {"1", "true", "yes"}:
        sys.exit(f"bench_api: {reason}")
    print(f"bench_api skipped: {reason}")
    sys.exit(0)


def _database_ready(url: str) -> None:
    """Check the target is local and meant for benchmarks; create the database if missing."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if parts.hostname not in {"127.0.0.1", "localhost"}:
        sys.exit(f"bench_api: --database-url must point at 127.0.0.1, not {parts.hostname}")
    if "bench" not in name:
        sys.exit(f"bench_api: the database is emptied; its name must contain 'bench', not {name}")
    import psycopg

    admin = parts._replace(path="/postgres").geturl()
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
            if not exists:
                connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        _skip(f"PostgreSQL at {parts.hostname}:{parts.port or 5432} does not answer: {error}")


def _setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.api_settings"
    import django

    django.setup()


def _seed(args) -> list[int]:
    """Make sure the database holds the seeded desk; return fact ids in generation order."""
    from django.core.management import call_command
    from django.db import connection

    from bench.api_seed import desk_seed
    from verification.models import Fact

    call_command("migrate", verbosity=0)
    if args.reuse and Fact.objects.count() == args.facts:
        print(f"Reusing the {args.facts:,} facts already in the database (--reuse).")
    else:
        print(f"Creating {args.facts:,} published facts (seed {args.seed})…")
        started = time.perf_counter()
        call_command("flush", interactive=False, verbosity=0)
        desk_seed(facts=args.facts, seed=args.seed)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(f"  done in {time.perf_counter() - started:.0f} s")
    return list(Fact.objects.order_by("id").values_list("id", flat=True))


def _say_wrk(label: str, result: api_load.WrkResult) -> None:
    latency = result.latency_ms
    answers = answers_check(
        label,
        not_2xx=result.non_2xx,
        socket_errors=result.socket_errors,
        sent=result.requests,
    )
    print(
        f"  {label:<26} {result.requests_per_second:8.1f} req/s   "
        f"p50 {latency['p50']:.1f} ms  p99 {latency['p99']:.1f} ms   {answers}"
    )
    print(f"      $ {result.command}")


def _say_rate(label: str, result: api_load.RateResult) -> None:
    answers = answers_check(f"{label} (fixed rate)", not_2xx=result.not_2xx, sent=result.sent)
    print(
        f"  {label}: {result.sent} requests at {result.rate:.1f}/s for {result.seconds:.0f} s: "
        f"p50 {result.percentile(50):.1f} ms  p90 {result.percentile(90):.1f} ms  "
        f"p99 {result.percentile(99):.1f} ms  max {max(result.latencies_ms):.1f} ms   "
        f"statuses {result.statuses}   {answers}"
    )


def _verdict(ok: bool) -> str:
    if PROBLEMS:
        # A rate or latency that includes refused answers says nothing about the target.
        return "NOT MEASURED (answers that were not 2xx, see above)"
    return "meets the target" if ok else "MISSES the target"


def bench_list(server: api_load.Server, args) -> None:
    print("\n(a) GET /api/v1/facts/?page_size=50 against .values() + JsonResponse")
    base = f"http://{api_load.HOST}:{server.port}"
    for path in (LIST_PATH, BASELINE_ROWS, BASELINE_EVIDENCE):
        for _ in range(40):
            status, _body = api_load.request("GET", server.port, path)
            assert status == 200, (path, status)
    rates: dict[str, list[float]] = {LIST_PATH: [], BASELINE_ROWS: [], BASELINE_EVIDENCE: []}
    labels = {
        LIST_PATH: "API",
        BASELINE_ROWS: "baseline, fact rows",
        BASELINE_EVIDENCE: "baseline, rows + evidence",
    }
    for round_ in range(1, args.rounds + 1):
        print(f" round {round_}:")
        for path in rates:
            result = api_load.wrk(base + path, seconds=args.seconds, connections=4)
            rates[path].append(result.requests_per_second)
            _say_wrk(labels[path], result)
    api = statistics.mean(rates[LIST_PATH])
    rows = statistics.mean(rates[BASELINE_ROWS])
    evidence = statistics.mean(rates[BASELINE_EVIDENCE])
    print(
        f" mean over {args.rounds} rounds: API {api:.1f} req/s, baseline rows {rows:.1f}, "
        f"baseline rows + evidence {evidence:.1f}"
    )
    print(
        f" ratio API / baseline with evidence (same data): {api / evidence:.0%}; "
        f"API / baseline rows only: {api / rows:.0%}   target >= 50%: "
        f"{_verdict(api / evidence >= 0.5)} (same data), {_verdict(api / rows >= 0.5)} (rows)"
    )
    result = api_load.fixed_rate(
        server.port, [("GET", LIST_PATH, None)], rate=api / 2, seconds=args.seconds * 2
    )
    print(" latency at half the API's maximum, fixed schedule (bench/api_load.py fixed_rate):")
    _say_rate("API", result)
    print(f"  p99 target < 100 ms: {_verdict(result.percentile(99) < 100)}")


def bench_match(server: api_load.Server, args, fact_ids: list[int]) -> None:
    from verification.facts.matching import MIN_SCORE

    print("\n(b) POST /api/v1/facts/match/ over the desk")
    gen = Generator(args.seed)
    fakes = gen.facts(args.facts)
    rng = random.Random(args.seed + 2)
    picked = rng.sample(range(args.facts), args.queries)
    queries = [(reword(fakes[i].text, rng), fact_ids[i], fakes[i].sibling_of) for i in picked]
    print(" examples of the reworded set:")
    for text, fact_id, _ in queries[:3]:
        print(f"  fact {fact_id}: {fakes[fact_ids.index(fact_id)].text!r}\n      → {text!r}")
    latencies, hit1, hit5, twins, twin1 = [], 0, 0, 0, 0
    top_scores, right_top = [], []
    for text, fact_id, sibling_of in queries:
        # min_score 0: every answer is ranked, so recall can be read at each floor below.
        body = json.dumps({"text": text, "limit": 5, "min_score": 0}).encode()
        started = time.perf_counter()
        status, answer = api_load.request("POST", server.port, MATCH_PATH, body)
        latencies.append((time.perf_counter() - started) * 1000)
        assert status == 200, (status, answer[:200])
        results = json.loads(answer)["results"]
        ids = [r["id"] for r in results]
        top_scores.append(results[0]["score"] if results else 0.0)
        hit1 += ids[:1] == [fact_id]
        hit5 += fact_id in ids
        right_top.append(results[0]["score"] if ids[:1] == [fact_id] else None)
        if sibling_of is not None:
            twins += 1
            twin1 += ids[:1] == [fact_id]
    latencies.sort()
    unrelated_gen = Generator(args.seed + 3)
    unrelated_scores = []
    for _ in range(100):
        # min_score 0: the scores unrelated texts reach, which the default floor leaves out.
        body = json.dumps({"text": unrelated_gen.unrelated(), "limit": 5, "min_score": 0}).encode()
        status, answer = api_load.request("POST", server.port, MATCH_PATH, body)
        assert status == 200, (status, answer[:200])
        results = json.loads(answer)["results"]
        unrelated_scores.append(results[0]["score"] if results else 0.0)
    unrelated_scores.sort()
    print(
        f" recall@1 {hit1 / len(queries):.1%}  recall@5 {hit5 / len(queries):.1%}  "
        f"({len(queries)} reworded facts; recall@1 on the {twins} near-duplicates: "
        f"{twin1 / max(twins, 1):.1%})"
    )
    print(
        f" top score: reworded facts median {statistics.median(top_scores):.2f}; "
        f"unrelated texts median {statistics.median(unrelated_scores):.2f}, "
        f"p95 {unrelated_scores[94]:.2f}, max {unrelated_scores[-1]:.2f}"
    )
    print(" with a min_score floor: recall@1 of the reworded facts / unrelated texts let through")
    for floor in FLOORS:
        kept = sum(1 for score in right_top if score is not None and score >= floor)
        leaked = sum(1 for score in unrelated_scores if score >= floor)
        mark = "  (the API's default)" if floor == MIN_SCORE else ""
        print(f"  {floor:.2f}: {kept / len(queries):.1%} / {leaked}%{mark}")
    p50, p99 = latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.99)]
    print(
        f" one request at a time ({len(latencies)} requests, http.client, keep-alive off): "
        f"p50 {p50:.1f} ms  p99 {p99:.1f} ms  max {latencies[-1]:.1f} ms"
    )
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "match.lua"
        bodies = ",\n".join(
            "[==[" + json.dumps({"text": text, "limit": 5}) + "]==]" for text, _, _ in queries
        )
        script.write_text(
            f"local bodies = {{\n{bodies}\n}}\nlocal i = 0\n"
            'wrk.headers["Content-Type"] = "application/json"\n'
            "request = function()\n  i = i % #bodies + 1\n"
            f'  return wrk.format("POST", "{MATCH_PATH}", nil, bodies[i])\nend\n'
        )
        result = api_load.wrk(
            f"http://{api_load.HOST}:{server.port}{MATCH_PATH}",
            seconds=args.seconds,
            connections=2,
            script=script,
        )
    print(" at the maximum rate (wrk, 2 connections for 2 workers, cycling the reworded set):")
    _say_wrk("match", result)
    print("      (match.lua: one POST per reworded query, in turn)")
    requests = [
        ("POST", MATCH_PATH, json.dumps({"text": text, "limit": 5}).encode())
        for text, _, _ in queries
    ]
    paced = api_load.fixed_rate(
        server.port, requests, rate=result.requests_per_second / 2, seconds=args.seconds * 2
    )
    print(" at half that rate, fixed schedule:")
    _say_rate("match", paced)
    print(
        f"  targets p50 < 20 ms, p99 < 100 ms: one at a time {_verdict(p50 < 20 and p99 < 100)}; "
        f"at half load {_verdict(paced.percentile(50) < 20 and paced.percentile(99) < 100)}"
    )


def bench_export(env: dict[str, str], args) -> None:
    print(f"\n(c) GET {EXPORT_PATH} from a freshly started server")
    with api_load.Server(env) as server:
        workers = server.workers()
        before = {pid: api_load.memory_kib(pid) for pid in workers}
        samples: list[tuple[int, dict[int, int]]] = []
        received = [0]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.05):
                samples.append((received[0], {pid: api_load.memory_kib(pid) for pid in workers}))

        sampler = threading.Thread(target=sample)
        sampler.start()
        import http.client

        started = time.perf_counter()
        connection = http.client.HTTPConnection(api_load.HOST, server.port, timeout=600)
        connection.request("GET", EXPORT_PATH)
        response = connection.getresponse()
        first_byte = None
        lines = 0
        while chunk := response.read(65536):
            first_byte = first_byte or time.perf_counter() - started
            received[0] += len(chunk)
            lines += chunk.count(b"\n")
        elapsed = time.perf_counter() - started
        done.set()
        sampler.join()
        connection.close()
        peaks = {pid: api_load.memory_kib(pid, "VmHWM") for pid in workers}
    answers_check("export", not_2xx=int(response.status != 200))
    serving = max(workers, key=lambda pid: peaks[pid] - before[pid])
    size = received[0]
    print(f"  $ curl -s http://127.0.0.1:PORT{EXPORT_PATH}  (read in Python, 64 KiB at a time)")
    print(
        f"  status {response.status}, {lines:,} lines "
        f"({'all' if lines == args.facts else 'NOT all'} {args.facts:,} facts), "
        f"{size / 1e6:.1f} MB in {elapsed:.1f} s "
        f"({lines / elapsed:,.0f} facts/s, first byte after {first_byte * 1000:.0f} ms)"
    )
    at = {}
    for share in (0.1, 0.5, 0.9):
        at[share] = next((rss[serving] for got, rss in samples if got >= share * size), None)
    print(
        f"  serving worker {serving}: RSS {before[serving] / 1024:.0f} MiB before; "
        + ", ".join(f"{at[s] / 1024:.0f} MiB at {s:.0%}" for s in at if at[s] is not None)
        + f"; peak (VmHWM) {peaks[serving] / 1024:.0f} MiB, "
        f"+{(peaks[serving] - before[serving]) / 1024:.0f} MiB over its start"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--facts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run")
    parser.add_argument("--rounds", type=int, default=2, help="API/baseline rounds")
    parser.add_argument("--reuse", action="store_true", help="keep facts already seeded")
    parser.add_argument(
        "--only",
        choices=["seed", "list", "match", "export"],
        action="append",
        help="run only these parts (repeatable); seed: create the facts and stop",
    )
    args = parser.parse_args()
    for tool, where in (("wrk", "apt-get install wrk"), ("gunicorn", "pip install gunicorn")):
        if not (shutil.which(tool) or (ROOT / ".venv" / "bin" / tool).exists()):
            _skip(f"{tool} is not installed ({where})")
    _database_ready(args.database_url)
    _setup_django(args.database_url)
    from django.conf import settings

    raised = throttle_env(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"])
    fact_ids = _seed(args)
    env = {
        "DATABASE_URL": args.database_url,
        "DJANGO_SETTINGS_MODULE": "bench.api_settings",
        "FACTDESK_ENV": "development",
        "DEBUG": "0",
        "ALLOWED_HOSTS": api_load.HOST,
        # Throttles stay on (their cost is part of the API's), with rates no run can reach.
        **raised,
        "LOG_LEVEL": "WARNING",
    }
    _throttles_check(env)
    only = set(args.only or ["list", "match", "export"])
    if only == {"seed"}:
        return
    print(
        f"\nServer: gunicorn, 2 sync workers, 127.0.0.1, DEBUG off; PostgreSQL "
        f"{urlsplit(args.database_url).hostname}; {os.cpu_count()} CPUs shared by server, "
        f"database and load generator."
    )
    if only & {"list", "match"}:
        with api_load.Server(env) as server:
            print(f"  $ {' '.join(server.command)}")
            if "list" in only:
                bench_list(server, args)
            if "match" in only:
                bench_match(server, args, fact_ids)
    if "export" in only:
        bench_export(env, args)
    if PROBLEMS:
        print("\nbench_api FAILED: answers that were not 2xx make these figures meaningless:")
        for problem in PROBLEMS:
            print(f"  {problem}")
        sys.exit(1)


def _throttles_check(env: dict[str, str]) -> None:
    """Read the server's settings with the server's environment; refuse to run if a throttle
    scope keeps a rate the bench could reach."""
    import subprocess

    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']))"
    )
    rates = json.loads(
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=os.environ | env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()[-1]
    )
    if low := throttles_not_raised(rates):
        sys.exit(f"bench_api: the server's throttles would answer 429 in a run: {', '.join(low)}")
    print(f"Server throttles (every scope): {rates}")


if __name__ == "__main__":
    main()
