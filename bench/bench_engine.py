"""Throughput of the cross-check engine against a plain BM25-only baseline, in the same run.

    .venv/bin/python bench/bench_engine.py [--repeat 3]

Workload (fixed, no network, no /work/shared): the 40 fixture records of tests/fixtures/engine
plus 200 synthetic claims against synthetic ~8 kB articles (seeded). The baseline splits the
sources into the same passages and ranks them with BM25, nothing else; the ratio says what the
checks and the stance model cost on top of retrieval.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from verification.engine import ClaimInput, SourceInput, crosscheck  # noqa: E402
from verification.engine.bm25 import BM25  # noqa: E402
from verification.engine.passages import split_passages  # noqa: E402
from verification.engine.text import content_stems, tokenize  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "engine"
WORDS = ("council budget election turnout minister school hospital river bridge company "
         "profit season team player museum library festival village harbour railway").split()
NAMES = "Anna Novak, Peter Horvat, Maria Lopez, Jan Kowalski, Slovak, Slovenian, French".split(", ")


def _synthetic(rng: random.Random) -> tuple[ClaimInput, list[SourceInput]]:
    lines = []
    for _ in range(80):
        words = rng.sample(WORDS, 6)
        lines.append(f"{rng.choice(NAMES)} said the {words[0]} {words[1]} had "
                     f"{rng.randint(2, 900)} {words[2]} in {rng.randint(1950, 2024)}, "
                     f"not {rng.choice(['more', 'fewer'])} than the {words[3]} {words[4]}.")
    target = rng.choice(lines)
    claim = target.replace(" had ", " had about ", 1) if rng.random() < 0.5 else target
    return ClaimInput(claim), [SourceInput("s0", "\n".join(lines), title="Synthetic article")]


def workload() -> list[tuple[ClaimInput, list[SourceInput]]]:
    items = []
    for path in sorted(FIXTURES.glob("*.jsonl")):
        with path.open(encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                items.append((ClaimInput(r["claim"]), [
                    SourceInput(s["id"], s["text"], s.get("title", "")) for s in r["sources"]]))
    rng = random.Random(13)
    items += [_synthetic(rng) for _ in range(200)]
    return items


def bm25_only(claim: ClaimInput, sources: list[SourceInput]) -> list[tuple[str, int, int]]:
    passages, docs = [], []
    for si, s in enumerate(sources):
        for p in split_passages(s.text, si):
            passages.append(p)
            docs.append(content_stems(tokenize(s.text[p.start : p.end])))
    if not passages:
        return []
    scores = BM25(docs).scores(content_stems(tokenize(claim.text)))
    order = sorted(range(len(passages)), key=lambda i: (-scores[i], i))[:5]
    return [(sources[passages[i].source_index].id, passages[i].start, passages[i].end)
            for i in order]


def _rate(fn, items) -> float:
    started = time.perf_counter()
    for claim, sources in items:
        fn(claim, sources)
    return len(items) / (time.perf_counter() - started)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=3, help="runs per variant; the median counts")
    args = ap.parse_args()
    items = workload()
    _rate(crosscheck, items[:10])  # warm caches (model file, stemmer) before timing
    engine, baseline = [], []
    for _ in range(args.repeat):
        baseline.append(_rate(bm25_only, items))
        engine.append(_rate(crosscheck, items))
    e, b = statistics.median(engine), statistics.median(baseline)
    print(f"workload: {len(items)} claims (40 fixture records, 200 synthetic 80-line articles)")
    print(f"bm25-only baseline: {b:8.1f} claims/s")
    print(f"engine:             {e:8.1f} claims/s")
    print(f"ratio engine/bm25:  {e / b:8.3f}  (engine runs at {e / b:.1%} of BM25-only speed)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
