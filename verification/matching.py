"""Matching new text against published facts, through the FactTerm index.

Scoring is BM25-like over content words: each shared word counts by its rarity among live
facts, normalised by the query's and the fact's own total so scores fall in 0..1.
"""

import math
import re
from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count

from verification.models import Fact, FactTerm

_WORD = re.compile(r"\w+", re.UNICODE)
_STOP = frozenset(
    "a an and are as at be been but by for from had has have he her his i in is it its of on or "
    "our she so that the their them they this to was we were which who will with would you said "
    "says say".split()
)
MAX_QUERY_CHARS = 20_000
CANDIDATES = 200


def terms(text: str) -> Counter:
    """Content words, lower-cased, with a light plural fold ("weapons" → "weapon")."""
    words = Counter()
    for word in _WORD.findall(text[:MAX_QUERY_CHARS].lower()):
        if word in _STOP or len(word) < 2:
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words[word[:64]] += 1
    return words


def fact_index(fact: Fact) -> None:
    """(Re)write the index rows of one fact from its claim's wording and quote."""
    claim = fact.claim
    counted = terms(f"{claim.text}\n{claim.quote_exact}\n{claim.speaker}")
    with transaction.atomic():
        FactTerm.objects.filter(fact=fact).delete()
        FactTerm.objects.bulk_create(
            FactTerm(fact=fact, term=term, count=min(count, 32767))
            for term, count in counted.items()
        )


def fact_unindex(fact: Fact) -> None:
    FactTerm.objects.filter(fact=fact).delete()


@dataclass(frozen=True)
class FactMatch:
    fact: Fact
    score: float
    shared_terms: list[str]


def facts_match(text: str, *, limit: int = 5) -> list[FactMatch]:
    """The live facts most similar to `text`, best first, with a score in 0..1."""
    query = terms(text)
    if not query:
        return []
    total = Fact.objects.filter(retracted_at__isnull=True).count()
    if total == 0:
        return []
    frequency = dict(
        FactTerm.objects.filter(term__in=query)
        .values_list("term")
        .annotate(n=Count("fact_id"))
        .values_list("term", "n")
    )
    idf = {t: math.log(1 + (total - n + 0.5) / (n + 0.5)) for t, n in frequency.items()}
    candidates = list(
        FactTerm.objects.filter(term__in=frequency)
        .values("fact_id")
        .annotate(hits=Count("id"))
        .order_by("-hits", "fact_id")
        .values_list("fact_id", flat=True)[:CANDIDATES]
    )
    fact_terms: dict[int, set[str]] = {}
    for fact_id, term in FactTerm.objects.filter(fact_id__in=candidates).values_list(
        "fact_id", "term"
    ):
        fact_terms.setdefault(fact_id, set()).add(term)
    # Words of a fact that never occur in the query still weigh on its side of the score.
    all_terms = {t for words in fact_terms.values() for t in words}
    missing = all_terms - idf.keys()
    if missing:
        for term, n in (
            FactTerm.objects.filter(term__in=missing)
            .values_list("term")
            .annotate(n=Count("fact_id"))
            .values_list("term", "n")
        ):
            idf[term] = math.log(1 + (total - n + 0.5) / (n + 0.5))
    query_weight = sum(idf.get(t, math.log(1 + total + 0.5)) for t in query)
    scored = []
    for fact_id, words in fact_terms.items():
        shared = words & query.keys()
        shared_weight = sum(idf[t] for t in shared)
        fact_weight = sum(idf[t] for t in words)
        score = shared_weight / math.sqrt(query_weight * fact_weight) if fact_weight else 0.0
        scored.append((round(min(score, 1.0), 4), fact_id, sorted(shared)))
    scored.sort(key=lambda item: (-item[0], item[1]))
    top = scored[:limit]
    facts = Fact.objects.select_related("claim__article", "review").in_bulk(
        [fact_id for _, fact_id, _ in top]
    )
    return [
        FactMatch(fact=facts[fact_id], score=score, shared_terms=shared)
        for score, fact_id, shared in top
        if score > 0 and fact_id in facts
    ]
