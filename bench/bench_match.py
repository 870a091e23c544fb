"""Benchmark `POST /api/v1/facts/match/` over a large library, against plain lexical matching.

Run from the project root with PostgreSQL (the bench empties the library tables of that
database) and gunicorn in .venv:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factdesk_library \\
        .venv/bin/python bench/bench_match.py --size 1000000

1. Imports the real 10,375 fact-checks of ../shared/claimmatch/factchecks.jsonl with
   `import_claimreviews` (vectors computed by the encoder, in batches): the import rate.
2. Fills the library up to --size with generated distractors: each copies a real fact-check's
   claim with a third of its words replaced by other words of the collection, and a vector near
   the real one (cosine about 0.6 to 0.9). Generated vectors stand in for encoded text here.
3. Counts words (PostgreSQL full-text statistics) and writes the HNSW snapshot.
4. Serves the project with gunicorn (one sync worker, DEBUG off, throttles raised) and sends
   every query of ../shared/claimmatch/dev.jsonl, one at a time, to facts/match/ and to the plain
   lexical baseline (bench/match_urls.py): p50, p99, the ratio, recall@5 of the gold fact-check
   on the same queries, and the web worker's resident memory. Any answer that is not 2xx fails.

`--rerank both` (the default) serves the project twice, with the cross-encoder re-ranker on
(FACTDESK_MATCH_RERANK=1, the product's default) and off, and reports each and what the
re-ranker adds; `on` or `off` measures one. The targets: p50 under 30 ms and p99 under 100 ms
for retrieval (re-ranker off), p99 under 150 ms with it on, the web worker under 1 GB.

`--encoder words` swaps the sentence encoder for a bag of hashed words (bench/match_words.py),
to measure the index and the database without a model; `--skip-load` reuses a loaded library.
Measure the re-ranker on real text (`--encoder default`): on generated distractors it reads
scrambled claims.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "claimmatch"
PORT = int(os.environ.get("FACTDESK_BENCH_PORT", "8106"))
sys.path.insert(0, str(ROOT))


def setup(encoder: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.match_settings"
    os.environ["FACTDESK_BENCH_ENCODER"] = encoder
    import django

    django.setup()
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("bench_match needs DATABASE_URL=postgres://… (it empties the library tables)")


def load(size: int) -> dict:
    from django.core.management import call_command
    from django.db import connection

    from verification.library import lexical, vectors

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE library_factcheck, library_lexeme, library_factvector "
            "RESTART IDENTITY CASCADE"
        )
    started = time.perf_counter()
    call_command("import_claimreviews", str(SHARED / "factchecks.jsonl"), verbosity=0)
    import_s = time.perf_counter() - started
    real = 10_375
    print(
        f"import: {real} real fact-checks with vectors in {import_s:.1f} s "
        f"= {real / import_s:.0f}/s",
        flush=True,
    )
    started = time.perf_counter()
    filled = fill(size - real)
    fill_s = time.perf_counter() - started
    print(f"fill: {filled} generated fact-checks in {fill_s:.0f} s", flush=True)
    started = time.perf_counter()
    lexical.lexemes_rebuild()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE library_factcheck")
    print(f"word counts: {time.perf_counter() - started:.0f} s", flush=True)
    started = time.perf_counter()
    meta = vectors.snapshot_build()
    snapshot_s = time.perf_counter() - started
    print(f"snapshot: {meta['count']} vectors in {snapshot_s:.0f} s", flush=True)
    return {
        "import_per_s": round(real / import_s),
        "fill_s": round(fill_s),
        "snapshot_s": round(snapshot_s),
    }


def fill(count: int) -> int:
    """Generated distractors, written with COPY; the GIN index is rebuilt once at the end."""
    import numpy as np
    from django.db import connection

    from verification.library import encoding
    from verification.library.models import FactCheck

    if count <= 0:
        return 0
    rows = list(FactCheck.objects.values_list("claim_reviewed", "embedding"))
    claims = [claim.split() for claim, _ in rows]
    base = np.vstack([encoding.from_bytes(blob) for _, blob in rows])
    vocabulary = [word for words in claims for word in words]
    rng = np.random.default_rng(11)
    shuffle = random.Random(11)
    model = encoding.model_name()
    columns = (
        "url, claim_reviewed, headline, rating_name, rating_value, best_rating, worst_rating, "
        "author_name, publisher_name, claim_author, reviewed_on, language, appearance_urls, "
        "fingerprint, imported_at, updated_at, embedding, embedding_model, indexed_at"
    )
    connection.ensure_connection()
    raw = connection.connection
    with raw.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS library_factcheck_search_idx")
    done = 0
    while done < count:
        size = min(50_000, count - done)
        picks = rng.integers(0, len(rows), size)
        noise = rng.standard_normal((size, encoding.DIMENSIONS)).astype(np.float32)
        spread = rng.uniform(0.035, 0.07, (size, 1)).astype(np.float32)
        vectors = base[picks] + noise * spread
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY library_factcheck ({columns}) FROM STDIN") as copy,
        ):
            for row, pick in enumerate(picks):
                words = list(claims[pick])
                for at in range(len(words)):
                    if shuffle.random() < 0.33:
                        words[at] = shuffle.choice(vocabulary)
                claim = " ".join(words)
                number = done + row
                copy.write_row(
                    (
                        f"https://generated.example/{number}",
                        claim,
                        "",
                        "False",
                        None,
                        None,
                        None,
                        "Generated",
                        "Generated",
                        "",
                        None,
                        "en",
                        "[]",
                        f"{number:064x}",
                        "2026-01-01T00:00:00Z",
                        "2026-01-01T00:00:00Z",
                        encoding.to_bytes(vectors[row]),
                        model,
                        "2026-01-01T00:00:00Z",
                    )
                )
        raw.commit()
        done += size
        print(f"  … {done}/{count}", flush=True)
    with raw.cursor() as cursor:
        cursor.execute(
            "CREATE INDEX library_factcheck_search_idx ON library_factcheck USING GIN (search)"
        )
    raw.commit()
    return done


def serve(encoder: str, rerank: bool) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.match_settings",
        "FACTDESK_BENCH_ENCODER": encoder,
        "FACTDESK_MATCH_RERANK": "1" if rerank else "0",
        "DEBUG": "0",
        "FACTDESK_THROTTLE_MATCH": "1000000/min",
        "FACTDESK_THROTTLE_ANON": "1000000/min",
        "FACTDESK_THROTTLE_USER": "1000000/min",
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "project.wsgi",
            "-w",
            "1",
            "-b",
            f"127.0.0.1:{PORT}",
            "--timeout",
            "600",
            "--chdir",
            str(ROOT),
        ],
        env=env,
    )
    return server


def wait_ready() -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            post("/api/v1/facts/match/", {"text": "warm up"}, timeout=600)
            return
        except OSError:
            time.sleep(0.5)
    sys.exit("the server did not start")


def post(path: str, body: dict, timeout: float = 30) -> tuple[int, dict, float]:
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=timeout)
    payload = json.dumps(body)
    started = time.perf_counter()
    connection.request("POST", path, payload, {"Content-Type": "application/json"})
    response = connection.getresponse()
    data = response.read()
    elapsed = (time.perf_counter() - started) * 1000
    connection.close()
    if not 200 <= response.status < 300:
        raise SystemExit(f"{path}: HTTP {response.status}: {data[:300]!r}")
    return response.status, json.loads(data), elapsed


def worker_rss_mb(server: subprocess.Popen) -> float:
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    total = 0.0
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total = max(total, int(line.split()[1]) / 1024)
    return total


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def measure(encoder: str, rerank: bool, queries: list[dict]) -> dict:
    server = serve(encoder, rerank)
    try:
        wait_ready()
        return measure_served(server, queries)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def measure_served(server: subprocess.Popen, queries: list[dict]) -> dict:
    for query in queries[:20]:
        post("/api/v1/facts/match/", {"text": query["text"]})
        post("/bench/match-lexical/", {"text": query["text"]})
    hybrid, lexical, found = [], [], {"hybrid": 0, "lexical": 0}
    for query in queries:
        gold = set(query["gold"])
        _, answer, elapsed = post("/api/v1/facts/match/", {"text": query["text"], "min_score": 0})
        hybrid.append(elapsed)
        found["hybrid"] += bool(gold & {r["url"] for r in answer["results"][:5]})
        _, answer, elapsed = post("/bench/match-lexical/", {"text": query["text"]})
        lexical.append(elapsed)
        found["lexical"] += bool(gold & {r["url"] for r in answer["results"][:5]})
    report = {
        "queries": len(queries),
        "hybrid_p50_ms": round(percentile(hybrid, 0.5), 1),
        "hybrid_p99_ms": round(percentile(hybrid, 0.99), 1),
        "lexical_p50_ms": round(percentile(lexical, 0.5), 1),
        "lexical_p99_ms": round(percentile(lexical, 0.99), 1),
        "hybrid_recall@5": round(found["hybrid"] / len(queries), 3),
        "lexical_recall@5": round(found["lexical"] / len(queries), 3),
        "web_rss_mb": round(worker_rss_mb(server)),
    }
    report["p50_ratio"] = round(report["hybrid_p50_ms"] / report["lexical_p50_ms"], 2)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--encoder", choices=["default", "words"], default="default")
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--queries", type=int, default=0, help="at most this many (0: all)")
    parser.add_argument("--rerank", choices=["both", "on", "off"], default="both")
    args = parser.parse_args()
    setup(args.encoder)
    report = {"size": args.size, "encoder": args.encoder}
    if not args.skip_load:
        report |= load(args.size)
    from verification.library.models import FactCheck

    report["library"] = FactCheck.objects.count()
    queries = [json.loads(line) for line in open(SHARED / "dev.jsonl", encoding="utf-8")]
    queries = queries[: args.queries] if args.queries else queries
    runs = (
        {"off": False, "on": True} if args.rerank == "both" else {args.rerank: args.rerank == "on"}
    )
    for name, rerank in runs.items():
        report[f"rerank_{name}"] = measure(args.encoder, rerank, queries)
    if len(runs) == 2:
        on, off = report["rerank_on"], report["rerank_off"]
        report["rerank_adds_p50_ms"] = round(on["hybrid_p50_ms"] - off["hybrid_p50_ms"], 1)
        report["rerank_adds_p99_ms"] = round(on["hybrid_p99_ms"] - off["hybrid_p99_ms"], 1)
    print(json.dumps(report, indent=1))
    checks = []
    if "rerank_off" in report:
        off = report["rerank_off"]
        checks += [
            ("p50 under 30 ms (re-ranker off)", off["hybrid_p50_ms"] < 30),
            ("p99 under 100 ms (re-ranker off)", off["hybrid_p99_ms"] < 100),
        ]
    if "rerank_on" in report:
        checks.append(
            ("p99 under 150 ms (re-ranker on)", report["rerank_on"]["hybrid_p99_ms"] < 150)
        )
    rss = max(report[f"rerank_{name}"]["web_rss_mb"] for name in runs)
    checks.append(("web under 1 GB", rss < 1024))
    failed = [name for name, ok in checks if not ok]
    if failed:
        print("missed: " + ", ".join(failed))
        sys.exit(1)


if __name__ == "__main__":
    main()
