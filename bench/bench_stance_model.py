"""Speed and footprint of the stance model on one thread: pairs/s, memory, cold start.

    .venv/bin/python bench/bench_stance_model.py [--pairs 2000] [--repeat 3] [--batch-size 32]

Cold start = a fresh Python process importing the package and loading the artifact (measured
in a subprocess, so nothing is warm). Memory = the resident set of that process before and after
loading, and after a first batch. Throughput = claim-passage pairs per second with onnxruntime
on one intra-op thread, on a fixed seeded workload of Wikipedia-style sentences (no
/work/shared needed); the median of --repeat runs is reported. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SUBJECTS = [
    "The council",
    "Westlife",
    "The museum",
    "Port of Spain",
    "The 2019 season",
    "Marie Curie",
    "The bridge",
    "The company",
    "The river Sava",
    "The film",
]
VERBS = ["sold", "recorded", "built", "won", "lost", "hosted", "opened", "reported"]
OBJECTS = [
    "million albums",
    "goals",
    "visitors",
    "cases",
    "seats",
    "awards",
    "kilometres",
    "employees",
]

COLD_START = r"""
import json, resource, sys, time
t0 = time.perf_counter()
sys.path.insert(0, sys.argv[1])
import verification.engine.stance_model as sm
def rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
before = rss_mb()
t1 = time.perf_counter()
model = sm.load(threads=1)
t2 = time.perf_counter()
loaded = rss_mb()
model.predict([("A claim about 3 things.", "Evidence that mentions 4 things and more.")])
t3 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "load_s": t2 - t1, "first_predict_s": t3 - t2,
                  "rss_before_load_mb": before, "rss_loaded_mb": loaded,
                  "rss_after_first_batch_mb": rss_mb(),
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def workload(n: int, seed: int = 13) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    pairs = []
    for _ in range(n):
        s, v, o = rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(OBJECTS)
        a, b = rng.randint(2, 900), rng.randint(1950, 2024)
        evidence = (
            f"According to the annual report , {s.lower()} {v} more than {a} {o} in {b} , "
            f"ahead of {rng.randint(2, 900)} {rng.choice(OBJECTS)} the year before "
            "-LRB- a record -RRB- ."
        )
        near = a + rng.randint(-50, 50)
        claim = f"{s} {v} {rng.choice(['under', 'over', 'about'])} {near} {o} in {b} ."
        pairs.append((claim, evidence))
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()

    cold = json.loads(
        subprocess.run(
            [sys.executable, "-c", COLD_START, str(ROOT)],
            check=True,
            capture_output=True,
            text=True,
            timeout=300,
        ).stdout
    )

    from verification.engine import stance_model

    model = stance_model.load(threads=1)
    if model is None:
        raise SystemExit("stance model artifact not available; nothing to benchmark")
    pairs = workload(args.pairs)
    model.predict(pairs[:64], batch_size=args.batch_size)
    rates = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        model.predict(pairs, batch_size=args.batch_size)
        rates.append(len(pairs) / (time.perf_counter() - t0))
    artifact = stance_model.ARTIFACT_DIR
    print(
        json.dumps(
            {
                "pairs": len(pairs),
                "batch_size": args.batch_size,
                "intra_op_threads": 1,
                "pairs_per_s_median": round(statistics.median(rates), 1),
                "pairs_per_s_runs": [round(r, 1) for r in rates],
                "cold_start_s": round(cold["import_s"] + cold["load_s"], 3),
                "first_predict_s": round(cold["first_predict_s"], 3),
                "rss_before_load_mb": round(cold["rss_before_load_mb"], 1),
                "rss_loaded_mb": round(cold["rss_loaded_mb"], 1),
                "rss_after_first_batch_mb": round(cold["rss_after_first_batch_mb"], 1),
                "artifact_mb": round(
                    sum(p.stat().st_size for p in artifact.iterdir() if p.is_file()) / 2**20, 2
                ),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
