"""Searching facts: q matches every word in any order and field, source_domain matches archived
sources by host."""

import pytest

from annotations.models import Claim
from tests.desk import desk_build

pytestmark = pytest.mark.django_db


def _fact_ids(api_as, **filters) -> list[int]:
    response = api_as().get("/api/v1/facts/", filters)
    assert response.status_code == 200, response.content
    return [fact["id"] for fact in response.json()["results"]]


def _url_source(claim_id: int, url: str, *, archived: bool):
    from django.utils import timezone

    from annotations.models import Source, SourceState
    from verification.models import SourceSnapshot

    source = Source.objects.create(
        kind="url", url=url, state=SourceState.ARCHIVED if archived else SourceState.FAILED
    )
    source.claims.add(claim_id)
    if archived:
        SourceSnapshot.objects.create(
            source=source,
            fetched_at=timezone.now(),
            final_url=url,
            content_type="text/html",
            sha256="0" * 64,
            size=5,
            text="words",
            extractor="test",
            extractor_version="1",
        )


def test_q_finds_a_fact_holding_every_word_in_any_order_and_field(api_as, roles):
    ids = desk_build()

    assert _fact_ids(api_as, q="late two") == [ids.fact]
    assert _fact_ids(api_as, q="LATE   years") == [ids.fact]
    assert _fact_ids(api_as, q="late no.") == [ids.fact]  # "No." is the rationale
    assert _fact_ids(api_as, q="late unicorn") == []


def test_q_with_more_words_costs_no_more_queries(api_as, roles):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    desk_build()
    client = api_as()
    counts = []
    for q in ("late", "late two years"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/facts/", {"q": q}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_source_domain_counts_only_sources_that_were_archived(api_as, roles):
    ids = desk_build()
    claim_id = Claim.objects.get(fact__id=ids.fact).pk
    _url_source(claim_id, "https://www.bbc.com/news/1", archived=False)
    _url_source(claim_id, "https://example.org/report", archived=True)
    _url_source(claim_id, "https://data.example.org/table", archived=True)

    assert _fact_ids(api_as, source_domain="bbc.com") == []
    # Once, though two of its sources are there.
    assert _fact_ids(api_as, source_domain="example.org") == [ids.fact]


def test_source_domain_matches_the_host_not_a_mention_of_it_in_the_address(api_as, roles):
    ids = desk_build()
    claim_id = Claim.objects.get(fact__id=ids.fact).pk
    _url_source(claim_id, "https://web.archive.org/web/2024/https://example.org/a", archived=True)
    _url_source(claim_id, "https://gov.example.net", archived=True)
    _url_source(claim_id, "http://News.Example.COM:8080?id=3", archived=True)

    assert _fact_ids(api_as, source_domain="example.org") == []
    assert _fact_ids(api_as, source_domain="archive.org") == [ids.fact]
    assert _fact_ids(api_as, source_domain="example.net") == [ids.fact]
    assert _fact_ids(api_as, source_domain="gov.example.net") == [ids.fact]
    assert _fact_ids(api_as, source_domain="example.com") == [ids.fact]
    assert _fact_ids(api_as, source_domain="ample.net") == []
    assert _fact_ids(api_as, source_domain="example") == []
