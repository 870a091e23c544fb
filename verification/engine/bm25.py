"""A small BM25 (Lucene variant) over passages; enough for one claim against a few sources."""

from __future__ import annotations

import math
from collections.abc import Sequence


class BM25:
    """BM25 whose postings are built per query term, on first use.

    A claim has a dozen words and a big source tens of thousands of distinct ones, so counting
    only the claim's words is much cheaper than a full inverted index; checking more claims
    against the same sources reuses the postings already counted.
    """

    def __init__(self, docs: Sequence[list[str]], k1: float = 1.5, b: float = 0.75) -> None:
        self.k1 = k1
        self.b = b
        self.docs = docs
        self.lengths = [len(d) for d in docs]
        self.n = len(docs)
        avgdl = (sum(self.lengths) / self.n) if self.n else 0.0
        self.norms = [k1 * (1 - b + b * dl / (avgdl or 1.0)) for dl in self.lengths]
        self._postings: dict[str, list[tuple[int, int]]] = {}

    def postings(self, term: str) -> list[tuple[int, int]]:
        """(document, term frequency) for every document containing term."""
        found = self._postings.get(term)
        if found is None:
            found = [(i, f) for i, doc in enumerate(self.docs) if (f := doc.count(term))]
            self._postings[term] = found
        return found

    def idf(self, term: str) -> float:
        """Lucene's idf; 0 for a term no document contains."""
        df = len(self.postings(term))
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5)) if df else 0.0

    def scores(self, query: Sequence[str]) -> list[float]:
        out = [0.0] * self.n
        norms = self.norms
        for term in dict.fromkeys(query):
            found = self.postings(term)
            if not found:
                continue
            idf = self.idf(term)
            for i, f in found:
                out[i] += idf * f / (f + norms[i])
        return out
