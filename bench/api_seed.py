"""Fill the bench database with published facts in bulk (no services: bulk_create in chunks).

Every fact has the rows the API reads: an article (ten claims each, quotes anchored in its
text), the claim, two URL sources with one archived snapshot each, a succeeded check run with
three evidence passages pointing into those snapshots, a review and the fact; three claims in
ten carry a tag. The matching index is written with `matching.fact_index_many`, the same code
that `fact_publish` runs.
"""

from __future__ import annotations

import hashlib
import random
import time
import uuid
from datetime import UTC, datetime, timedelta

from django.contrib.auth import get_user_model

from annotations.models import Article, Claim, ClaimKind, ClaimStatus, Source, SourceState, Tag
from bench.api_data import FakeFact, Generator
from verification.facts import matching
from verification.models import CheckRun, Evidence, Fact, Review, SourceSnapshot, Verdict

CLAIMS_PER_ARTICLE = 10
CHUNK = 5_000
BASE_TIME = datetime(2023, 1, 1, tzinfo=UTC)


def _users():
    User = get_user_model()
    return [
        User.objects.get_or_create(username=f"bench-{role}")[0]
        for role in ("annotator", "reviewer", "publisher")
    ]


def _chunk(
    fakes: list[FakeFact], offset: int, gen: Generator, rng: random.Random, users, tags
) -> int:
    annotator, reviewer, publisher = users
    articles, claims, sources, snapshots, runs = [], [], [], [], []
    for a in range(0, len(fakes), CLAIMS_PER_ARTICLE):
        number = (offset + a) // CLAIMS_PER_ARTICLE
        group = fakes[a : a + CLAIMS_PER_ARTICLE]
        text = ". ".join(fake.quote for fake in group) + "."
        article = Article(
            title=f"{group[0].text[:80]} and other claims",
            text=text,
            url=f"https://news{number % 40}.example/articles/{number}",
            publisher=f"News {number % 40}",
            published_at=BASE_TIME + timedelta(hours=number),
            created_by=annotator,
        )
        articles.append(article)
        passages = [[gen.passage(fake.text) for _ in range(3)] for fake in group]
        for side in (0, 1):
            body = "\n\n".join(p for claim_passages in passages for p in claim_passages)
            source = Source(
                kind="url",
                url=f"https://source{number % 300}.example/reports/{number}-{side}",
                title=f"Report {number}-{side}",
                state=SourceState.ARCHIVED,
                created_by=annotator,
            )
            sources.append(source)
            snapshots.append(
                SourceSnapshot(
                    source=source,
                    fetched_at=article.published_at + timedelta(minutes=10),
                    requested_url=source.url,
                    final_url=source.url,
                    http_status=200,
                    content_type="text/html",
                    sha256=hashlib.sha256(f"{body}{side}".encode()).hexdigest(),
                    size=len(body.encode()),
                    title=source.title,
                    text=body,
                    extractor="bench",
                    extractor_version="1",
                )
            )
        position = 0
        for index, fake in enumerate(group):
            start = text.index(fake.quote, position)
            position = start + len(fake.quote)
            claim = Claim(
                article=article,
                text=fake.text,
                speaker=fake.speaker,
                kind=rng.choice(ClaimKind.values),
                quote_exact=fake.quote,
                quote_prefix=text[max(0, start - 32) : start],
                quote_suffix=text[position : position + 32],
                position_start=start,
                position_end=position,
                status=ClaimStatus.PUBLISHED,
                created_by=annotator,
            )
            claim.bench_passages = passages[index]
            claim.bench_snapshots = snapshots[-2:]
            claims.append(claim)
    Article.objects.bulk_create(articles, batch_size=2000)
    for claim in claims:
        claim.article_id = claim.article.pk
    Claim.objects.bulk_create(claims, batch_size=2000)
    Source.objects.bulk_create(sources, batch_size=2000)
    for snapshot in snapshots:
        snapshot.source_id = snapshot.source.pk
    SourceSnapshot.objects.bulk_create(snapshots, batch_size=2000)
    Source.claims.through.objects.bulk_create(
        [
            Source.claims.through(source_id=snapshot.source_id, claim_id=claim.pk)
            for claim in claims
            for snapshot in claim.bench_snapshots
        ],
        batch_size=5000,
    )
    Claim.tags.through.objects.bulk_create(
        [
            Claim.tags.through(claim_id=claim.pk, tag_id=rng.choice(tags).pk)
            for claim in claims
            if rng.random() < 0.3
        ],
        batch_size=5000,
    )
    for claim in claims:
        runs.append(
            CheckRun(
                run_id=uuid.UUID(int=rng.getrandbits(128), version=4),
                claim_id=claim.pk,
                status="succeeded",
                attempts=1,
                sources_total=2,
                sources_done=2,
                stance=rng.choice(["supports", "refutes", "not_enough_info"]),
                confidence=round(rng.random(), 3),
                engine_version="bench",
                deadline_at=BASE_TIME,
            )
        )
    CheckRun.objects.bulk_create(runs, batch_size=2000)
    evidence = []
    offsets: dict[int, int] = {}
    for claim, run in zip(claims, runs, strict=True):
        for rank, passage in enumerate(claim.bench_passages):
            snapshot = claim.bench_snapshots[rank // 2]
            start = snapshot.text.index(passage, offsets.get(snapshot.pk, 0))
            offsets[snapshot.pk] = start + len(passage)
            evidence.append(
                Evidence(
                    check_run_id=run.pk,
                    snapshot_id=snapshot.pk,
                    rank=rank,
                    start=start,
                    end=start + len(passage),
                    score=round(1 - rank * 0.2, 2),
                    text=passage,
                )
            )
    Evidence.objects.bulk_create(evidence, batch_size=5000)
    verdicts = Verdict.values
    reviews = [
        Review(
            claim_id=claim.pk,
            check_run_id=run.pk,
            reviewer=reviewer,
            verdict=verdicts[(offset + i) % len(verdicts)],
            rationale=f"Checked against the cited reports: {claim.bench_passages[0][:120]}",
        )
        for i, (claim, run) in enumerate(zip(claims, runs, strict=True))
    ]
    Review.objects.bulk_create(reviews, batch_size=2000)
    facts = [
        Fact(
            claim=claim,
            review=review,
            published_by=publisher,
            published_at=BASE_TIME + timedelta(minutes=5 * (offset + i)),
        )
        for i, (claim, review) in enumerate(zip(claims, reviews, strict=True))
    ]
    Fact.objects.bulk_create(facts, batch_size=2000)
    return matching.fact_index_many(facts)


def desk_seed(*, facts: int, seed: int, say=print) -> list[FakeFact]:
    """Create `facts` published facts; return the fake facts in the order of their ids."""
    gen = Generator(seed)
    fakes = gen.facts(facts)
    rng = random.Random(seed + 1)
    users = _users()
    tags = Tag.objects.bulk_create([Tag(name=f"topic-{i}") for i in range(20)])
    started = time.perf_counter()
    terms = 0
    for offset in range(0, facts, CHUNK):
        terms += _chunk(fakes[offset : offset + CHUNK], offset, gen, rng, users, tags)
        say(
            f"  {offset + min(CHUNK, facts - offset):,} facts, {terms:,} index rows "
            f"({time.perf_counter() - started:.0f} s)"
        )
    return fakes
