"""Benchmark re-anchoring 1,000 claims after an edit of a ~200 KB article.

Run from the project root:  .venv/bin/python bench/bench_reanchor.py [--seed N] [--repeat N]

Builds a deterministic article from seeded pseudo-words, marks 1,000 claims on it, then edits
it: inserts sentences, deletes sentences (their claims must come back orphaned), and changes
one character inside some quotes (those must come back fuzzy). Prints the time of
``reanchor_many`` against a plain ``str.find`` of every quote in the same run, and the count
of claims per state next to what the edit implies.
"""

from __future__ import annotations

import argparse
import random
import string
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from annotations.anchoring import ClaimSelector, describe, reanchor_many  # noqa: E402

TARGET_SIZE = 200_000
CLAIMS = 1_000
INSERTED_SENTENCES = 150
DELETED_SENTENCES = 40
ALTERED_QUOTES = 60


def _words(rng: random.Random, count: int) -> list[str]:
    return [
        "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(2, 9)))
        for _ in range(count)
    ]


def _sentence(rng: random.Random, vocabulary: list[str]) -> str:
    words = [rng.choice(vocabulary) for _ in range(rng.randint(8, 24))]
    if rng.random() < 0.4:
        words.insert(rng.randrange(len(words)), f"{rng.randint(1, 99)}.{rng.randint(0, 9)}%")
    words[0] = words[0].capitalize()
    return " ".join(words) + rng.choice([". ", ". ", ". ", ".\n\n"])


def build(seed: int) -> tuple[str, list[ClaimSelector], str, Counter[str]]:
    """Return the old text, its claims, the edited text and the states the edit implies."""
    rng = random.Random(seed)
    vocabulary = _words(rng, 3000)
    sentences: list[str] = []
    while sum(map(len, sentences)) < TARGET_SIZE:
        sentences.append(_sentence(rng, vocabulary))
    offsets = [0]
    for sentence in sentences:
        offsets.append(offsets[-1] + len(sentence))
    text = "".join(sentences)

    # Each claim is a span inside one sentence, so the edit's effect on it is known.
    claimed = [(i, *_span(rng, sentences[i])) for i in rng.sample(range(len(sentences)), CLAIMS)]
    claims = []
    for index, start, end in claimed:
        selector = describe(text, offsets[index] + start, offsets[index] + end)
        claims.append(
            ClaimSelector(
                selector.exact,
                selector.prefix,
                selector.suffix,
                offsets[index] + start,
                offsets[index] + end,
            )
        )

    deleted = set(rng.sample([i for i, _, _ in claimed], DELETED_SENTENCES))
    altered = {}
    for index, start, end in rng.sample(
        [c for c in claimed if c[0] not in deleted], ALTERED_QUOTES
    ):
        altered[index] = (start + end) // 2
    inserted = set(rng.sample(range(len(sentences)), INSERTED_SENTENCES))

    edited = []
    for i, sentence in enumerate(sentences):
        if i in inserted:
            edited.append(_sentence(rng, vocabulary))
        if i in deleted:
            continue
        if i in altered:
            at = altered[i]
            replacement = "#" if sentence[at] != "#" else "@"
            sentence = sentence[:at] + replacement + sentence[at + 1 :]
        edited.append(sentence)
    expected = Counter(
        {"orphaned": DELETED_SENTENCES, "fuzzy": ALTERED_QUOTES},
        anchored_or_moved=CLAIMS - DELETED_SENTENCES - ALTERED_QUOTES,
    )
    return text, claims, "".join(edited), expected


def _span(rng: random.Random, sentence: str) -> tuple[int, int]:
    body = sentence.rstrip()
    length = rng.randint(min(20, len(body)), min(150, len(body)))
    start = rng.randint(0, len(body) - length)
    return start, start + length


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20240)
    parser.add_argument("--repeat", type=int, default=3, help="runs; the best time is reported")
    args = parser.parse_args()

    text, claims, new_text, expected = build(args.seed)

    find_times, reanchor_times = [], []
    for _ in range(args.repeat):
        started = time.perf_counter()
        found = sum(new_text.find(claim.exact) >= 0 for claim in claims)
        find_times.append(time.perf_counter() - started)

        started = time.perf_counter()
        results = reanchor_many(new_text, claims)
        reanchor_times.append(time.perf_counter() - started)

    states = Counter(result.state.value for result in results)
    best_find, best_reanchor = min(find_times), min(reanchor_times)
    print(f"article: {len(text):,} -> {len(new_text):,} code points, {len(claims):,} claims")
    print(f"str.find of every quote: {best_find * 1000:8.2f} ms ({found} found)")
    print(f"reanchor_many:           {best_reanchor * 1000:8.2f} ms")
    print(f"ratio reanchor_many / str.find: {best_reanchor / best_find:.1f}x")
    print("states:", ", ".join(f"{state} {states[state]}" for state in sorted(states)))
    print(
        "edit implies:",
        ", ".join(f"{state} {count}" for state, count in sorted(expected.items())),
    )


if __name__ == "__main__":
    main()
