"""Hybrid matching: desk facts and earlier fact-checks, by words and by meaning.

Candidates come from three bounded lists: the desk's term index (verification.facts.matching, an
idf-weighted cosine), the library's full-text index (lexical.py) and the vector index
(vectors.py). Every candidate is then scored from its stored vector and its lexical score, so
the score does not depend on which list found it:

    meaning = (cosine - MEANING_FLOOR) / (1 - MEANING_FLOOR), clipped to 0..1
    desk fact:   score = max(meaning, lexical)      (lexical: the idf cosine, itself 0..1)
    fact-check:  score = 0.8 meaning + 0.2 words    (words: full-text rank / the query's best)

Below MEANING_FLOOR two sentences are unrelated for this encoder (unrelated claims score
0.0-0.25), so a text that shares neither words nor meaning with anything scores 0 and is left
out, and the API's min_score keeps its meaning. Ties are broken by reciprocal-rank fusion of
the three lists, then by kind and id, so the same index and text always give the same order.

Then the second stage (FACTDESK_MATCH_RERANK, on by default): the cross-encoder re-ranker
(verification/engine/reranker.py) reads the text with each of the first stage's best
RERANK_DEPTH candidates, and the two orders of those candidates are fused by reciprocal rank
(verification/engine/fusion.py, rerank_and_fuse); the rest follow in the first stage's order.
The re-ranker only moves matches: each keeps its score, so results are in the fused order and
their scores need not descend, and min_score filters on the score after the order is set (a
floor never changes the order of what it keeps). Depth and fusion are the recipe the
re-ranker was trained and chosen with on train.jsonl (reranker_model/train_selection.json),
never tuned on dev. A missing or broken re-ranker leaves the first stage's order, with a
warning in the log.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from django.conf import settings

from verification.engine.fusion import rerank_and_fuse
from verification.engine.reranker import RerankerUnavailable, default_reranker
from verification.facts import matching as desk_matching
from verification.library import encoding, lexical, vectors
from verification.library.models import FactCheck, FactVector
from verification.library.services import fact_text, factcheck_text
from verification.models import Fact

logger = logging.getLogger(__name__)

CANDIDATES = 50
MEANING_FLOOR = 0.3
# A fact-check's score: mostly meaning, plus its words relative to this query's best word match.
# Chosen on train.jsonl (first 200 queries, MAP@5): vectors alone 0.915, 0.8/0.2 of cosine and
# words 0.900, reciprocal-rank fusion 0.864, the larger of the two 0.774. The encoder was tuned
# on train, which flatters vectors alone; words keep a small say for names and numbers.
MEANING_WEIGHT = 0.8
WORDS_WEIGHT = 0.2
RRF_K = 60
FACT, FACTCHECK = "fact", "factcheck"
# How many of the first stage's best the re-ranker re-orders: the trained recipe (top 20, RRF
# k = 60, picked on a held-back part of train.jsonl), not a figure chosen on dev.jsonl.
RERANK_DEPTH = 20

# Replaced only by tests that need a different re-ranker; production uses the committed one.
reranker_factory = default_reranker


@dataclass
class LibraryMatch:
    kind: str
    score: float
    claim: str
    verdict: str
    publisher: str
    url: str
    date: date | None
    matched_text: str = ""
    shared_terms: list[str] = field(default_factory=list)
    fact: Fact | None = None
    factcheck: FactCheck | None = None
    meaning: float = 0.0
    lexical: float = 0.0
    fused: float = 0.0
    reranked: float | None = None  # the re-ranker's logit, for the candidates it read

    @property
    def pk(self) -> int:
        return self.fact.pk if self.fact is not None else self.factcheck.pk


def _meaning(cosine: float) -> float:
    return float(min(1.0, max(0.0, (cosine - MEANING_FLOOR) / (1.0 - MEANING_FLOOR))))


def library_match(
    text: str, *, limit: int = 5, min_score: float = 0.0, candidates: int = CANDIDATES
) -> list[LibraryMatch]:
    """Desk facts and earlier fact-checks closest to `text`, best first, score ≥ min_score."""
    if not text.strip():
        return []
    query = encoding.encode([text[: desk_matching.MAX_QUERY_CHARS]])[0]
    ranks: dict[tuple[str, int], float] = {}

    def rank(items: list[tuple[str, int]]) -> None:
        for place, item in enumerate(items, start=1):
            ranks[item] = ranks.get(item, 0.0) + 1.0 / (RRF_K + place)

    dense = vectors.index().search(query, limit=candidates)
    rank([(FACT if kind == vectors.FACT else FACTCHECK, pk) for kind, pk, _ in dense])
    desk = desk_matching.facts_match(text, limit=candidates, min_score=0.0)
    rank([(FACT, m.fact.pk) for m in desk])
    found = lexical.factchecks_search(text, limit=candidates)
    rank([(FACTCHECK, pk) for pk, _ in found])

    desk_lexical = {m.fact.pk: m for m in desk}
    factcheck_lexical = dict(found)
    fact_ids = {pk for kind, pk in ranks if kind == FACT}
    factcheck_ids = {pk for kind, pk in ranks if kind == FACTCHECK}
    facts = {m.fact.pk: m.fact for m in desk}
    missing = fact_ids - facts.keys()
    if missing:
        facts |= Fact.objects.select_related("claim", "review").in_bulk(list(missing))
    vectors_of_facts = FactVector.objects.filter(fact_id__in=fact_ids, live=True)
    fact_vectors = dict(vectors_of_facts.values_list("fact_id", "embedding")) if fact_ids else {}
    factchecks = FactCheck.objects.only(*_FACTCHECK_FIELDS).in_bulk(list(factcheck_ids))

    matches: list[LibraryMatch] = []
    for pk in fact_ids:
        fact = facts.get(pk)
        if fact is None or fact.retracted_at is not None:
            continue
        lexical_match = desk_lexical.get(pk)
        matches.append(
            LibraryMatch(
                kind=FACT,
                score=0.0,
                claim=fact.claim.text,
                verdict=fact.review.verdict,
                publisher=settings.FACTDESK_ORGANIZATION_NAME,
                url="",
                date=fact.published_at.date(),
                matched_text=fact.claim.quote_exact,
                shared_terms=lexical_match.shared_terms if lexical_match else [],
                fact=fact,
                meaning=_cosine(query, fact_vectors.get(pk)),
                lexical=lexical_match.score if lexical_match else 0.0,
                fused=ranks[(FACT, pk)],
            )
        )
    for pk, factcheck in factchecks.items():
        matches.append(
            LibraryMatch(
                kind=FACTCHECK,
                score=0.0,
                claim=factcheck.claim_reviewed,
                verdict=factcheck.rating_name or _rating(factcheck),
                publisher=factcheck.publisher_name,
                url=factcheck.url,
                date=factcheck.reviewed_on,
                matched_text=factcheck.headline,
                factcheck=factcheck,
                meaning=_cosine(query, factcheck.embedding),
                lexical=factcheck_lexical.get(pk, 0.0),
                fused=ranks[(FACTCHECK, pk)],
            )
        )
    strongest = max(factcheck_lexical.values(), default=0.0) or 1.0
    for match in matches:
        if match.kind == FACT:
            match.score = round(max(_meaning(match.meaning), match.lexical), 4)
        else:
            shared = match.lexical / strongest
            match.score = round(MEANING_WEIGHT * _meaning(match.meaning) + WORDS_WEIGHT * shared, 4)
    matches = [m for m in matches if m.score > 0]
    matches.sort(key=lambda m: (-m.score, -m.fused, m.kind, m.pk))
    if settings.FACTDESK_MATCH_RERANK:
        matches = _reranked(text[: desk_matching.MAX_QUERY_CHARS], matches)
    return [m for m in matches if m.score >= min_score][:limit]


def _reranked(text: str, ranked: list[LibraryMatch]) -> list[LibraryMatch]:
    """The first RERANK_DEPTH of `ranked` in the fused order of both stages, then the rest."""
    head = ranked[:RERANK_DEPTH]
    if len(head) < 2:
        return ranked
    # The re-ranker reads what the encoder read for each candidate (the vector's own text).
    texts = [fact_text(m.fact) if m.kind == FACT else factcheck_text(m.factcheck) for m in head]
    try:
        scores = reranker_factory().score(text, texts)
    except RerankerUnavailable as error:
        _warn_once(f"matches keep the first stage's order: the re-ranker is unavailable ({error})")
        return ranked
    for match, value in zip(head, scores, strict=True):
        match.reranked = value
    fused = rerank_and_fuse(list(range(len(head))), scores)
    return [head[at] for at, _ in fused] + ranked[RERANK_DEPTH:]


# Reasons already logged by this process: a broken artifact fails on every request (its load
# error is remembered), and one warning per process says it without flooding the log.
_warned: set[str] = set()


def _warn_once(message: str) -> None:
    if message not in _warned:
        _warned.add(message)
        logger.warning(message)


_FACTCHECK_FIELDS = (
    "id",
    "url",
    "claim_reviewed",
    "headline",
    "rating_name",
    "rating_value",
    "best_rating",
    "publisher_name",
    "reviewed_on",
    "embedding",
)


def _cosine(query: np.ndarray, blob: bytes | memoryview | None) -> float:
    if blob is None:
        return 0.0
    return float(np.dot(query, encoding.from_bytes(blob)))


def _rating(factcheck: FactCheck) -> str:
    if factcheck.rating_value is None:
        return ""
    value = f"{factcheck.rating_value:g}"
    return f"{value}/{factcheck.best_rating:g}" if factcheck.best_rating is not None else value


# The queue's "checked before" mark: a vector this close (cosine) is very likely the same claim.
STRONG_MATCH_COSINE = 0.75
_MARK_CACHE_SECONDS = 300


def claims_checked_before(claims: list[tuple[int, str]]) -> set[int]:
    """Ids of the claims with a strong match in the library, for the verification queue.

    One encoder batch for the texts not cached, one vector search each (no database query but
    the index's watermark probe, and one to leave out a claim's own fact); results are cached by
    text for a few minutes, since a queue page is reloaded often and the library moves slowly.
    """
    from django.core.cache import cache

    keys = {pk: "library-mark:" + hashlib.sha256(text.encode()).hexdigest() for pk, text in claims}
    cached = cache.get_many(list(keys.values()))
    todo = [(pk, text) for pk, text in claims if keys[pk] not in cached and text.strip()]
    if todo:
        index = vectors.index()
        found = {}
        for (pk, _text), vector in zip(todo, encoding.encode([t for _, t in todo]), strict=True):
            found[pk] = [
                (kind, item)
                for kind, item, cosine in index.search(vector, limit=3)
                if cosine >= STRONG_MATCH_COSINE
            ]
        facts = {item for hits in found.values() for kind, item in hits if kind == vectors.FACT}
        own = dict(Fact.objects.filter(pk__in=facts).values_list("pk", "claim_id")) if facts else {}
        for pk, hits in found.items():
            strong = any(kind == vectors.FACTCHECK or own.get(item) != pk for kind, item in hits)
            cached[keys[pk]] = strong
        cache.set_many({keys[pk]: cached[keys[pk]] for pk, _ in todo}, _MARK_CACHE_SECONDS)
    return {pk for pk, _ in claims if cached.get(keys[pk])}
