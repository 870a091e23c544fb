"""Benchmark `import_claimreviews` with vectors on the real 10,375 fact-checks, on PostgreSQL.

Run from the project root (the bench empties the library tables of that database):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factdesk_library \\
        .venv/bin/python bench/bench_import.py [--rounds 2]

Each round, measured in the same run:
1. the encoder alone, one thread, over the same texts (what one thread's import could reach
   if the writes cost nothing);
2. the import without vectors (`--no-embed`: the database writes alone);
3. the import with vectors computed by one thread (`--threads 1`), the writes overlapping it;
4. the import with vectors as the command runs by default (one encoding thread per core): the
   figure the target is about (at least 200 fact-checks/s, both cores);
5. the same import again, which must change nothing (0 created, 0 updated).
It prints each rate, and the import's rates as ratios of the encoder's and of the writes'; then
the load average and the texts encoded per CPU second, which other work on a shared machine
does not change (the rates above it does).
Celery messages the `--no-embed` import sends go to an in-memory broker, so no worker takes
them. Skips with a message when ../shared/claimmatch/factchecks.jsonl is absent.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FACTCHECKS = ROOT.parent / "shared" / "claimmatch" / "factchecks.jsonl"
TARGET_PER_S = 200
sys.path.insert(0, str(ROOT))


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    import django

    django.setup()
    from celery import current_app
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("bench_import needs DATABASE_URL=postgres://… (it empties the library tables)")
    current_app.conf.broker_url = "memory://localhost/"


def empty() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE library_factcheck, library_lexeme, library_factvector "
            "RESTART IDENTITY CASCADE"
        )


def cpu_seconds() -> float:
    """CPU time of this process, every thread (not the database server's)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def imported(*options: str) -> tuple[float, float, str]:
    """Seconds `import_claimreviews` took, the CPU seconds it used, and its summary line."""
    from django.core.management import call_command

    out = StringIO()
    started, cpu = time.perf_counter(), cpu_seconds()
    call_command("import_claimreviews", str(FACTCHECKS), *options, stdout=out, stderr=StringIO())
    return time.perf_counter() - started, cpu_seconds() - cpu, out.getvalue().strip()


def encoder_alone() -> tuple[int, float, float]:
    from verification.library import encoding, services
    from verification.library.claimreview import ClaimReviewRecord, read_lines

    with FACTCHECKS.open(encoding="utf-8") as lines:
        texts = [
            services.factcheck_text(item)
            for item in read_lines(lines)
            if isinstance(item, ClaimReviewRecord)
        ]
    encoding.encode(texts[:8])  # load the model outside the timing, as the imports find it
    started, cpu = time.perf_counter(), cpu_seconds()
    encoding.encode(texts)
    return len(texts), time.perf_counter() - started, cpu_seconds() - cpu


def one_round(number: int) -> dict:
    from verification.library.models import FactCheck

    load = os.getloadavg()[0]
    count, encode_s, encode_cpu = encoder_alone()
    print(
        f"round {number}: encoder alone, {count} texts in {encode_s:.1f} s "
        f"({encode_cpu:.1f} CPU s)",
        flush=True,
    )
    empty()
    plain_s, _cpu, summary = imported("--no-embed")
    print(f"round {number}: import without vectors in {plain_s:.1f} s: {summary}", flush=True)
    empty()
    one_s, _cpu, summary = imported("--threads", "1")
    print(f"round {number}: import, vectors by 1 thread, in {one_s:.1f} s: {summary}", flush=True)
    empty()
    vectors_s, vectors_cpu, summary = imported()
    threads = os.cpu_count() or 1
    print(
        f"round {number}: import, vectors by {threads} threads, in {vectors_s:.1f} s "
        f"({vectors_cpu:.1f} CPU s): {summary}",
        flush=True,
    )
    stored = FactCheck.objects.count()
    missing = FactCheck.objects.filter(embedding__isnull=True).count()
    if stored != count or missing:
        sys.exit(f"the import stored {stored} fact-checks ({missing} with no vector), not {count}")
    again_s, _cpu, summary = imported()
    print(f"round {number}: the same import again in {again_s:.1f} s: {summary}", flush=True)
    if not summary.startswith(f"0 created, 0 updated, {count} unchanged"):
        sys.exit("importing twice changed something")
    return {
        "load": (load + os.getloadavg()[0]) / 2,
        "encoder_cpu": count / encode_cpu,
        "vectors_cpu": count / vectors_cpu,
        "encoder": count / encode_s,
        "plain": count / plain_s,
        "one": count / one_s,
        "vectors": count / vectors_s,
        "again": count / again_s,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    if not FACTCHECKS.exists():
        print(f"bench_import skipped: {FACTCHECKS} is absent (the shared claim-matching data).")
        return
    setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    rounds = [one_round(number) for number in range(1, args.rounds + 1)]
    empty()
    print()
    print(
        "round  encoder(1)/s  no-vectors/s  vectors(1)/s  vectors/s  re-import/s  "
        "(1)÷encoder  ÷encoder  ÷no-vectors"
    )
    for number, r in enumerate(rounds, start=1):
        print(
            f"{number:>5}  {r['encoder']:>12.0f}  {r['plain']:>12.0f}  {r['one']:>12.0f}  "
            f"{r['vectors']:>9.0f}  {r['again']:>11.0f}  {r['one'] / r['encoder']:>11.2f}  "
            f"{r['vectors'] / r['encoder']:>8.2f}  {r['vectors'] / r['plain']:>11.2f}"
        )
    print()
    print("round  load average  encoder per CPU s  import with vectors per CPU s (this process)")
    for number, r in enumerate(rounds, start=1):
        print(
            f"{number:>5}  {r['load']:>12.1f}  {r['encoder_cpu']:>17.0f}  "
            f"{r['vectors_cpu']:>13.0f}"
        )
    best = max(r["vectors"] for r in rounds)
    verdict = "met" if best >= TARGET_PER_S else "missed"
    print(f"import with vectors: best {best:.0f}/s (target {TARGET_PER_S}/s: {verdict})")


if __name__ == "__main__":
    main()
