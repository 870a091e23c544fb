"""A small BM25 (Lucene variant) over passages; enough for one claim against a few sources."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence


class BM25:
    def __init__(self, docs: Sequence[Sequence[str]], k1: float = 1.5, b: float = 0.75) -> None:
        self.k1 = k1
        self.b = b
        self.tfs = [Counter(d) for d in docs]
        self.lengths = [len(d) for d in docs]
        n = len(docs)
        self.avgdl = (sum(self.lengths) / n) if n else 0.0
        df: Counter[str] = Counter()
        for tf in self.tfs:
            df.update(tf.keys())
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}

    def scores(self, query: Sequence[str]) -> list[float]:
        terms = [t for t in dict.fromkeys(query) if t in self.idf]
        out = []
        k1, b, avgdl = self.k1, self.b, self.avgdl or 1.0
        for tf, dl in zip(self.tfs, self.lengths, strict=True):
            s = 0.0
            norm = k1 * (1 - b + b * dl / avgdl)
            for t in terms:
                f = tf.get(t)
                if f:
                    s += self.idf[t] * f / (f + norm)
            out.append(s)
        return out
