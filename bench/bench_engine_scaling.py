"""How the engine's time grows with source size, against plain BM25 retrieval in the same run.

    .venv/bin/python bench/bench_engine_scaling.py

One claim against one synthetic source of 10 KB, 100 KB, 1 MB and 10 MB (seeded): milliseconds
for the whole cross-check (passage split, indexing, retrieval, checks, stance) and the ratio to
splitting and ranking the same passages with BM25 alone. Target: 1 MB under 200 ms.
"""

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from verification.engine import ClaimInput, SourceInput, crosscheck  # noqa: E402
from verification.engine.bm25 import BM25  # noqa: E402
from verification.engine.passages import split_passages  # noqa: E402
from verification.engine.text import passage_content_stems  # noqa: E402

WORDS = (
    "council budget election turnout minister school hospital river bridge company million "
    "euros said report audit year week spokesperson agency"
).split()
CLAIM = "The council budget for the bridge was 56 million euros in 2019."


def source(size: int, seed: int = 3) -> str:
    rng = random.Random(seed)
    sentences, total = [], 0
    while total < size:
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 25)))
        sentence = f"{words.capitalize()} in {rng.randint(1990, 2024)}."
        sentences.append(sentence)
        total += len(sentence) + 1
    return " ".join(sentences)


def bm25_only(text: str) -> None:
    passages = split_passages(text, 0, max_passages=200_000)
    index = BM25([passage_content_stems(text[p.start : p.end]) for p in passages])
    index.scores(passage_content_stems(CLAIM))


def median_ms(fn, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def main() -> None:
    for size in (10_000, 100_000, 1_000_000, 10_000_000):
        text = source(size)
        repeat = 5 if size <= 1_000_000 else 1
        engine = median_ms(
            lambda t=text: crosscheck(ClaimInput(text=CLAIM), [SourceInput(id="s", text=t)]), repeat
        )
        baseline = median_ms(lambda t=text: bm25_only(t), repeat)
        print(
            f"{size / 1000:>6.0f} KB source: engine {engine:8.1f} ms, BM25 alone "
            f"{baseline:8.1f} ms, ratio {engine / baseline:.2f}"
        )


if __name__ == "__main__":
    main()
