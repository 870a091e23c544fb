"""How the engine's time grows with source size, against plain BM25 retrieval in the same run.

    .venv/bin/python bench/bench_engine_scaling.py

One claim against one synthetic source of 10 KB, 100 KB, 1 MB and 10 MB (seeded; words drawn
from a Zipf-distributed vocabulary of 60,000 made-up words, so a bigger source brings new words
as real text does): milliseconds for the whole cross-check (passage split, indexing, retrieval,
checks, stance), with the word caches emptied before every run, and the ratio to splitting and
ranking the same passages with BM25 alone (caches emptied too). Then 100 claims against the same
1 MB source with the index built once (`build_index`): the time per extra claim.
Targets: 1 MB under 200 ms including indexing.
"""

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from verification.engine import ClaimInput, SourceInput, build_index, crosscheck  # noqa: E402
from verification.engine import text as engine_text  # noqa: E402
from verification.engine.bm25 import BM25  # noqa: E402
from verification.engine.passages import split_passages  # noqa: E402
from verification.engine.text import passage_content_stems  # noqa: E402

TOPIC = (
    "council budget election turnout minister school hospital river bridge company million "
    "euros said report audit year week spokesperson agency"
).split()
CLAIM = "The council budget for the bridge was 56 million euros in 2019."
VOCABULARY = 60_000


def vocabulary(rng: random.Random) -> list[str]:
    syllables = [c + v for c in "bcdfghklmnprstvz" for v in "aeiou"]
    words = set()
    while len(words) < VOCABULARY:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(1, 4))))
    return sorted(words)


def source(size: int, seed: int = 3) -> str:
    rng = random.Random(seed)
    words = vocabulary(rng)
    weights = [1 / (rank + 1) for rank in range(len(words))]
    sentences, total = [], 0
    while total < size:
        picked = rng.choices(words, weights, k=rng.randint(8, 25))
        picked[rng.randrange(len(picked))] = rng.choice(TOPIC)
        sentence = f"{' '.join(picked).capitalize()} in {rng.randint(1990, 2024)}."
        sentences.append(sentence)
        total += len(sentence) + 1
    return " ".join(sentences)


def cold() -> None:
    """Forget every word seen so far, as a worker that never met this source."""
    for cached in (engine_text.fold, engine_text.stem):
        cached.cache_clear()
    engine_text._CONTENT_STEMS.clear()


def bm25_only(text: str) -> None:
    passages = split_passages(text, 0, max_passages=200_000)
    index = BM25([passage_content_stems(text[p.start : p.end]) for p in passages])
    index.scores(passage_content_stems(CLAIM))


def median_ms(fn, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        cold()
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def main() -> None:
    sources = {}
    for size in (10_000, 100_000, 1_000_000, 10_000_000):
        text = sources[size] = source(size)
        repeat = 5 if size <= 1_000_000 else 1
        engine = median_ms(
            lambda t=text: crosscheck(
                ClaimInput(text=CLAIM), [SourceInput(id="s", text=t)], use_model=False
            ),
            repeat,
        )
        baseline = median_ms(lambda t=text: bm25_only(t), repeat)
        print(
            f"{size / 1000:>6.0f} KB source: engine {engine:8.1f} ms, BM25 alone "
            f"{baseline:8.1f} ms, ratio {engine / baseline:.2f}"
        )

    rng = random.Random(5)
    claims = [
        f"The {rng.choice(TOPIC)} {rng.choice(TOPIC)} was {rng.randint(2, 90)} million in "
        f"{rng.randint(1990, 2024)}."
        for _ in range(100)
    ]
    one_mb = [SourceInput(id="s", text=sources[1_000_000])]
    cold()
    start = time.perf_counter()
    index = build_index(one_mb)
    built = time.perf_counter() - start
    start = time.perf_counter()
    for claim in claims:
        crosscheck(ClaimInput(text=claim), one_mb, use_model=False, index=index)
    per_claim = (time.perf_counter() - start) / len(claims)
    print(
        f"100 claims against the same 1 MB: index built once in {built * 1000:.1f} ms, then "
        f"{per_claim * 1000:.2f} ms per claim ({built / per_claim:.0f}x cheaper than re-indexing)"
    )


if __name__ == "__main__":
    main()
