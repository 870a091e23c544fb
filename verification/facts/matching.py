"""Matching new text against published facts, through the FactTerm index.

Scoring is an idf-weighted cosine over content words: each word counts by its rarity among
facts (BM25's idf), and the score is the weight the query and the fact share over the geometric
mean of their own weights, so it falls in 0..1 and is 1 for the same words.

The work per request is bounded whatever the size of the desk:

- document frequencies are counted up to a cap (a word in more than 5% of facts is a
  near-stopword; its exact count would cost a scan of its whole posting list);
- candidates come from the query's rarest words only, within a budget of posting rows;
- a fact's weight uses the exact idf of the words it shares with the query and the query's mean
  idf for its other words, so it needs only the fact's word count, not the frequency of every
  word of every candidate.

Every step orders its ties, so the same index and text always give the same answer.
"""

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction

from verification.models import Fact, FactTerm

_WORD = re.compile(r"\w+", re.UNICODE)
_STOP = frozenset(
    "a an and are as at be been but by for from had has have he her his i in is it its of on or "
    "our she so that the their them they this to was we were which who will with would you said "
    "says say".split()
)
_UNITS = {
    word: value
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen".split()
    )
}
_TENS = {
    word: 10 * value
    for value, word in enumerate(
        "twenty thirty forty fifty sixty seventy eighty ninety".split(), start=2
    )
}
MAX_QUERY_CHARS = 20_000
# A pasted article keeps its most repeated words; 200 lookups stay within a few milliseconds.
MAX_QUERY_TERMS = 200
# Candidates come from at most this many of the query's rarest words, reading at most this
# many posting rows in all; the candidates are then scored on every query word.
SEED_TERMS = 6
POSTINGS_BUDGET = 5_000
# Counting stops at 5% of the facts, within these bounds: beyond it a word is a near-stopword
# and its exact count would cost a scan of its posting list. The floor is the postings budget,
# so a word counted to the cap is always over budget.
DF_CAP_DIVISOR = 20
DF_CAP_MIN = POSTINGS_BUDGET
DF_CAP_MAX = 20_000
CANDIDATES = 100
# The API's default floor: below it a fact shares only a common word with the text ("a million
# people" against a bridge's cost scores 0.07). Scores of reworded and unrelated texts overlap,
# so a higher floor costs recall: on bench/bench_api.py's 200 reworded facts among 100,000,
# recall@1 is 88.5 % with no floor, 87.5 % at 0.2, 67.5 % at 0.3 and 33 % at 0.4.
MIN_SCORE = 0.2
# The admin's "Already checked" box interrupts an annotator, so it asks for more: on the tests'
# facts and the demo, reworded claims score 0.44 and up, neighbouring claims 0.39 and under.
ALREADY_CHECKED_MIN_SCORE = 0.4


def _below_hundred(words: list[str], at: int) -> tuple[int, int] | None:
    """The spelled-out number 0..99 starting at `at` ("fifty", "eight") and the index after it."""
    word = words[at] if at < len(words) else None
    if word in _UNITS:
        return _UNITS[word], at + 1
    if word not in _TENS:
        return None
    after = words[at + 1] if at + 1 < len(words) else None
    if 0 < _UNITS.get(after, 0) < 10:
        return _TENS[word] + _UNITS[after], at + 2
    return _TENS[word], at + 1


def _fold_numbers(words: list[str]) -> Iterable[str]:
    """Spelled-out numbers up to 999 as digits ("three hundred and five" → "305")."""
    at = 0
    while at < len(words):
        number = _below_hundred(words, at)
        if number is None:
            yield words[at]
            at += 1
            continue
        value, at = number
        if 0 < value < 10 and at < len(words) and words[at] == "hundred":
            value, at = value * 100, at + 1
            rest = _below_hundred(words, at + (at < len(words) and words[at] == "and"))
            if rest is not None and rest[0] > 0:
                value, at = value + rest[0], rest[1]
        yield str(value)


def terms(text: str) -> Counter:
    """Content words, lower-cased, with a light plural fold ("weapons" → "weapon") and numbers
    written as digits ("fifty-eight" → "58")."""
    words = Counter()
    for word in _fold_numbers(_WORD.findall(text[:MAX_QUERY_CHARS].lower())):
        if word in _STOP or (len(word) < 2 and not word.isdigit()):
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words[word[:64]] += 1
    return words


def _fact_rows(fact: Fact) -> list[FactTerm]:
    claim = fact.claim
    counted = terms(f"{claim.text}\n{claim.quote_exact}\n{claim.speaker}")
    return [
        FactTerm(fact_id=fact.pk, term=term, count=min(count, 32767))
        for term, count in counted.items()
    ]


def fact_index(fact: Fact) -> None:
    """(Re)write the index rows of one fact from its claim's wording and quote."""
    fact_index_many([fact])


def fact_index_many(facts: Iterable[Fact], *, batch_size: int = 5_000) -> int:
    """(Re)write the index rows of many facts (claims loaded with them); returns the row count."""
    facts = list(facts)
    rows = [row for fact in facts for row in _fact_rows(fact)]
    with transaction.atomic():
        FactTerm.objects.filter(fact__in=[fact.pk for fact in facts]).delete()
        FactTerm.objects.bulk_create(rows, batch_size=batch_size)
    return len(rows)


def fact_unindex(fact: Fact) -> None:
    FactTerm.objects.filter(fact=fact).delete()


@dataclass(frozen=True)
class FactMatch:
    fact: Fact
    score: float
    shared_terms: list[str]


def _idf(total: int, n: int) -> float:
    return math.log(1 + (total - n + 0.5) / (n + 0.5))


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _statistics(words: list[str]) -> tuple[int, dict[str, int]]:
    """The highest fact id, and how many facts hold each word up to the cap: one statement.

    Each count reads at most cap entries of the (term, fact_id) index, never a whole posting
    list; a LIMIT inside a scalar subquery is the portable way to say so. Table names are the
    models' own; every value is a parameter.
    """
    facts, terms_table = _table(Fact), _table(FactTerm)
    share = f"SELECT COALESCE(MAX(id), 0) / %s FROM {facts}"  # noqa: S608
    cap = "SELECT CASE WHEN n < %s THEN %s WHEN n > %s THEN %s ELSE n END FROM share"
    capped = f"SELECT 1 FROM {terms_table} WHERE term = %s LIMIT (SELECT n FROM cap)"  # noqa: S608
    head = f"WITH share (n) AS ({share}), cap (n) AS ({cap}) SELECT NULL, (SELECT MAX(id) FROM {facts})"  # noqa: S608, E501
    sql = [head]
    sql += [f"SELECT %s, (SELECT COUNT(*) FROM ({capped}) c)"] * len(words)  # noqa: S608
    params = [DF_CAP_DIVISOR, DF_CAP_MIN, DF_CAP_MIN, DF_CAP_MAX, DF_CAP_MAX]
    params += [value for word in words for value in (word, word)]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(sql), params)
        rows = dict(cursor.fetchall())
    return rows.pop(None) or 0, rows


def _candidate_terms(
    seeds: list[str], idf: dict[str, float], floor: int | None
) -> list[tuple[int, str]]:
    """Every (fact, word) row of the facts holding the most weight of the seed words.

    One statement: the candidates are ranked in the database (best first, newest first on
    ties) and come back with all their words, which give both the words they share with the
    query and their length. Weights are cast to double precision: summing numeric literals
    made the aggregate twice as slow on PostgreSQL.
    """
    terms_table = _table(FactTerm)
    weight = " ".join(["WHEN %s THEN CAST(%s AS DOUBLE PRECISION)"] * len(seeds))
    newest = "AND p.fact_id >= %s" if floor is not None else ""
    sql = f"""
        WITH candidate AS (
            SELECT p.fact_id, SUM(CASE p.term {weight} END) AS partial
            FROM {terms_table} p
            WHERE p.term IN ({", ".join(["%s"] * len(seeds))}) {newest}
            GROUP BY p.fact_id
            ORDER BY partial DESC, p.fact_id DESC
            LIMIT %s
        )
        SELECT t.fact_id, t.term
        FROM candidate JOIN {terms_table} t ON t.fact_id = candidate.fact_id
    """  # noqa: S608
    params = [value for word in seeds for value in (word, idf[word])] + seeds
    params += ([floor] if floor is not None else []) + [CANDIDATES]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _newest_floor(word: str, df: int) -> int | None:
    """For a query of common words only: the lowest id among the newest facts holding `word`."""
    if df < POSTINGS_BUDGET:
        return None
    # A slice, not an index: a retraction since the count may have left fewer rows.
    floor = (
        FactTerm.objects.filter(term=word)
        .order_by("-fact_id")
        .values_list("fact_id", flat=True)[POSTINGS_BUDGET - 1 : POSTINGS_BUDGET]
    )
    return next(iter(floor), None)


def facts_match(text: str, *, limit: int = 5, min_score: float = 0.0) -> list[FactMatch]:
    """The live facts most similar to `text`, best first, scoring at least `min_score` (0..1)."""
    counted = terms(text)
    if not counted:
        return []
    # Most repeated first, then in order of appearance (Counter keeps insertion order).
    query = [word for word, _ in counted.most_common(MAX_QUERY_TERMS)]
    # The highest id stands for the number of facts: one index probe instead of a count over
    # the table; retracted facts and gaps make it a slight overestimate, the same for every word.
    total, df = _statistics(query)
    known = sorted((word for word in query if df[word]), key=lambda word: (df[word], word))
    if not known:
        return []
    total = max(total, *df.values())
    idf = {word: _idf(total, df[word]) for word in query}
    seeds, budget = [], 0
    for word in known[:SEED_TERMS]:
        if seeds and budget + df[word] > POSTINGS_BUDGET:
            break
        seeds.append(word)
        budget += df[word]
    lengths: Counter = Counter()
    shared: dict[int, list[str]] = {}
    for fact_id, word in _candidate_terms(seeds, idf, _newest_floor(seeds[0], df[seeds[0]])):
        lengths[fact_id] += 1
        held = shared.setdefault(fact_id, [])
        if word in idf:
            held.append(word)
    query_weight = sum(idf.values())
    other_weight = sum(idf[word] for word in known) / len(known)
    scored = []
    for fact_id, words in shared.items():
        shared_weight = sum(idf[word] for word in words)
        fact_weight = shared_weight + (lengths[fact_id] - len(words)) * other_weight
        score = shared_weight / math.sqrt(query_weight * fact_weight) if fact_weight else 0.0
        scored.append((round(min(score, 1.0), 4), fact_id, sorted(words)))
    scored.sort(key=lambda item: (-item[0], item[1]))
    top = [item for item in scored if item[0] > 0 and item[0] >= min_score][:limit]
    # The claim and the verdict are what a match shows; the article (and its text) is not read.
    facts = (
        Fact.objects.select_related("claim", "review")
        .filter(retracted_at__isnull=True)
        .in_bulk([fact_id for _, fact_id, _ in top])
    )
    return [
        FactMatch(fact=facts[fact_id], score=score, shared_terms=words)
        for score, fact_id, words in top
        if fact_id in facts
    ]
