"""Regressions from a new user's session with the API (selectors, filters, errors, limits)."""

import pytest
from rest_framework.test import APIClient

from annotations.models import Article, Claim
from tests.api.desk import desk_build

pytestmark = pytest.mark.django_db


def _client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _edit_fact_words(annotator, ids, new_words: str) -> Claim:
    article = Article.objects.get(pk=ids.article)
    response = _client(annotator).patch(
        f"/api/v1/articles/{article.pk}/",
        {"text": article.text.replace("two years late", new_words)},
        format="json",
    )
    assert response.status_code == 200, response.content
    return Claim.objects.get(fact__id=ids.fact)


def test_a_fuzzy_claims_selectors_never_disagree_on_the_words(roles, annotator):
    ids = desk_build()
    claim = _edit_fact_words(annotator, ids, "two yeers late")
    assert claim.anchor_state == "fuzzy"
    annotation = _client().get(f"/api/v1/facts/{ids.fact}/annotation/").json()
    detail = _client(annotator).get(f"/api/v1/claims/{claim.pk}/").json()
    for selectors in (annotation["target"]["selector"], detail["selector"]):
        by_type = {s["type"]: s for s in selectors}
        assert by_type["TextQuoteSelector"]["exact"] == "two years late"
        assert "TextPositionSelector" not in by_type


def test_a_moved_claim_keeps_both_selectors_on_the_same_words(roles, annotator):
    ids = desk_build()
    article = Article.objects.get(pk=ids.article)
    _client(annotator).patch(
        f"/api/v1/articles/{article.pk}/", {"text": "Update: " + article.text}, format="json"
    )
    claim = Claim.objects.get(fact__id=ids.fact)
    text = Article.objects.get(pk=ids.article).text
    for selectors in (
        _client().get(f"/api/v1/facts/{ids.fact}/annotation/").json()["target"]["selector"],
        _client(annotator).get(f"/api/v1/claims/{claim.pk}/").json()["selector"],
    ):
        by_type = {s["type"]: s for s in selectors}
        position = by_type["TextPositionSelector"]
        assert text[position["start"] : position["end"]] == by_type["TextQuoteSelector"]["exact"]


def _fact_ids(**filters) -> list[int]:
    response = _client().get("/api/v1/facts/", filters)
    assert response.status_code == 200, response.content
    return [fact["id"] for fact in response.json()["results"]]


def test_q_finds_a_fact_holding_every_word_in_any_order_and_field(roles):
    ids = desk_build()

    assert _fact_ids(q="late two") == [ids.fact]
    assert _fact_ids(q="LATE   years") == [ids.fact]
    assert _fact_ids(q="late no.") == [ids.fact]  # "No." is the rationale
    assert _fact_ids(q="late unicorn") == []


def test_q_with_more_words_costs_no_more_queries(roles):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    desk_build()
    client = _client()
    counts = []
    for q in ("late", "late two years"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/facts/", {"q": q}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


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


def test_source_domain_counts_only_sources_that_were_archived(roles):
    ids = desk_build()
    claim_id = Claim.objects.get(fact__id=ids.fact).pk
    _url_source(claim_id, "https://www.bbc.com/news/1", archived=False)
    _url_source(claim_id, "https://example.org/report", archived=True)
    _url_source(claim_id, "https://data.example.org/table", archived=True)

    assert _fact_ids(source_domain="bbc.com") == []
    # Once, though two of its sources are there.
    assert _fact_ids(source_domain="example.org") == [ids.fact]


def test_source_domain_matches_the_host_not_a_mention_of_it_in_the_address(roles):
    ids = desk_build()
    claim_id = Claim.objects.get(fact__id=ids.fact).pk
    _url_source(claim_id, "https://web.archive.org/web/2024/https://example.org/a", archived=True)
    _url_source(claim_id, "https://gov.example.net", archived=True)
    _url_source(claim_id, "http://News.Example.COM:8080?id=3", archived=True)

    assert _fact_ids(source_domain="example.org") == []
    assert _fact_ids(source_domain="archive.org") == [ids.fact]
    assert _fact_ids(source_domain="example.net") == [ids.fact]
    assert _fact_ids(source_domain="gov.example.net") == [ids.fact]
    assert _fact_ids(source_domain="example.com") == [ids.fact]
    assert _fact_ids(source_domain="ample.net") == []
    assert _fact_ids(source_domain="example") == []


def test_a_published_claim_moved_by_an_edit_shows_a_newer_updated_at(roles, annotator):
    ids = desk_build()
    before = _client().get(f"/api/v1/facts/{ids.fact}/").json()
    article = Article.objects.get(pk=ids.article)
    _client(annotator).patch(
        f"/api/v1/articles/{article.pk}/", {"text": "Update: " + article.text}, format="json"
    )
    after = _client().get(f"/api/v1/facts/{ids.fact}/").json()
    assert after["under_review"] is False  # moved, same words: still published as it was
    assert after["updated_at"] > before["updated_at"]
    since = _client().get("/api/v1/facts/", {"updated_after": after["updated_at"]}).json()
    assert [fact["id"] for fact in since["results"]] == [ids.fact]


def test_a_fact_sent_back_to_review_by_an_edit_shows_a_newer_updated_at(roles, annotator):
    ids = desk_build()
    before = _client().get(f"/api/v1/facts/{ids.fact}/").json()
    _edit_fact_words(annotator, ids, "two yeers late")
    after = _client().get(f"/api/v1/facts/{ids.fact}/").json()
    assert after["under_review"] is True
    assert after["updated_at"] > before["updated_at"]


def test_saving_an_unchanged_text_reports_each_claims_anchor_as_it_is(roles, annotator):
    ids = desk_build()
    _edit_fact_words(annotator, ids, "two yeers late")
    article = Article.objects.get(pk=ids.article)
    response = _client(annotator).patch(
        f"/api/v1/articles/{article.pk}/", {"text": article.text}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["reanchored"] == {"kept": 3, "moved": 0, "fuzzy": 1, "orphaned": 0}


def test_a_source_cannot_be_attached_to_a_published_or_retracted_claim(roles, annotator, publisher):
    from annotations.models import Source
    from verification.facts.services import fact_retract

    ids = desk_build()
    claim = Claim.objects.get(fact__id=ids.fact)
    client = _client(annotator)
    sources_before = Source.objects.count()
    body = {"title": "Late report", "text": "It was two years late."}
    response = client.post(f"/api/v1/claims/{claim.pk}/sources/", body, format="json")
    assert response.status_code == 409, response.content
    assert response.json()["detail"].startswith("This claim is published")
    fact_retract(fact=claim.fact, user=publisher, reason="Wrong article.")
    response = client.post(
        f"/api/v1/claims/{claim.pk}/sources/", {"url": "https://example.org/"}, format="json"
    )
    assert response.status_code == 409, response.content
    assert "retracted" in response.json()["detail"]
    assert Source.objects.count() == sources_before
    # A claim still in the queue takes sources.
    response = client.post(f"/api/v1/claims/{ids.waiting}/sources/", body, format="json")
    assert response.status_code == 201, response.content


def test_a_403_names_the_role_that_may_do_it(roles, annotator, reviewer):
    ids = desk_build()
    response = _client(annotator).post(f"/api/v1/claims/{ids.reviewed}/publish/")
    assert response.status_code == 403
    assert response.json() == {"detail": "Only publishers can publish facts."}
    response = _client(reviewer).post("/api/v1/articles/", {"title": "T", "text": "Words."})
    assert response.json() == {"detail": "Only annotators can add articles."}


def test_publishing_a_claim_without_a_verdict_is_a_409_with_a_sentence(roles, publisher):
    ids = desk_build()
    response = _client(publisher).post(f"/api/v1/claims/{ids.waiting}/publish/")
    assert response.status_code == 409
    assert response.json() == {"detail": "This claim has no verdict to publish; review it first."}


def test_a_claim_text_over_5000_characters_is_a_400_naming_the_field(roles, annotator):
    from tests.factories import ArticleFactory

    article = ArticleFactory(text="Long words. " * 1000)
    quote = {"type": "TextQuoteSelector", "exact": "Long words."}
    client = _client(annotator)
    response = client.post(
        "/api/v1/claims/",
        {"article": article.pk, "selector": [quote], "text": "x" * 200_000},
        format="json",
    )
    assert response.status_code == 400
    assert "5000" in str(response.json()["text"])
    # Without a text the quoted words are the claim: a selection that long is refused too.
    position = {"type": "TextPositionSelector", "start": 0, "end": 6000}
    response = client.post(
        "/api/v1/claims/", {"article": article.pk, "selector": [position]}, format="json"
    )
    assert response.status_code == 400
    assert "at most 5,000 characters" in str(response.json()["text"])
    response = client.post(
        "/api/v1/claims/",
        {"article": article.pk, "selector": [quote], "speaker": "S" * 201},
        format="json",
    )
    assert response.status_code == 400
    assert "speaker" in response.json()
    assert not Claim.objects.filter(article=article).exists()


def test_pasted_source_text_without_a_title_is_a_400_naming_the_title(roles, annotator):
    from annotations.models import Source

    ids = desk_build()
    sources_before = Source.objects.count()
    for title in ("", "   "):
        response = _client(annotator).post(
            f"/api/v1/claims/{ids.waiting}/sources/",
            {"title": title, "text": "It was two years late."},
            format="json",
        )
        assert response.status_code == 400
        assert "needs a title" in str(response.json()["title"])
    assert Source.objects.count() == sources_before


def test_json_ld_escapes_markup_so_it_can_sit_in_a_script_element(roles):
    import json

    from verification.models import Fact, Review

    ids = desk_build()
    rationale = "Minutes say 58 </script><script>alert(1)</script> & more"
    Review.objects.filter(pk=Fact.objects.get(pk=ids.fact).review_id).update(rationale=rationale)
    for path in (f"/api/v1/facts/{ids.fact}/claimreview/", f"/api/v1/facts/{ids.fact}/annotation/"):
        response = _client().get(path, HTTP_ACCEPT="application/ld+json")
        assert response.status_code == 200
        body = response.content
        assert b"<" not in body and b">" not in body and b"&" not in body
        assert rationale in json.dumps(json.loads(body), ensure_ascii=False)


@pytest.mark.parametrize(
    ("speaker", "kind"),
    [
        ("Regional Insurance Federation", "Organization"),
        ("Ministry of Defence", "Organization"),
        ("Acme Ltd", "Organization"),
        ("Dmitry Peskov", "Person"),
        ("Bankole Adeyemi", "Person"),
    ],
)
def test_claimreview_types_an_organisation_speaker_as_an_organization(roles, speaker, kind):
    ids = desk_build()
    Claim.objects.filter(fact__id=ids.fact).update(speaker=speaker)
    document = _client().get(f"/api/v1/facts/{ids.fact}/claimreview/").json()
    assert document["itemReviewed"]["author"] == {"@type": kind, "name": speaker}


def test_republishing_keeps_the_first_publication_date(roles, annotator, publisher):
    from verification.facts.services import fact_publish
    from verification.models import Fact
    from verification.review.services import queue_take_next, review_record

    ids = desk_build()
    first = Fact.objects.get(pk=ids.fact)
    claim = _edit_fact_words(annotator, ids, "two yeers late")
    assert claim.status == "needs_review"
    reviewer = claim.reviews.get().reviewer
    queue_take_next(reviewer=reviewer)
    review_record(claim=claim, reviewer=reviewer, verdict="false", rationale="Still no.")
    fact_publish(claim=claim, publisher=publisher)
    fact = _client().get(f"/api/v1/facts/{ids.fact}/").json()
    assert fact["published_at"] == first.published_at.isoformat().replace("+00:00", "Z")
    assert fact["updated_at"] > fact["published_at"]
    document = _client().get(f"/api/v1/facts/{ids.fact}/claimreview/").json()
    assert document["datePublished"] == first.published_at.date().isoformat()
    assert document["dateModified"] == Fact.objects.get(pk=ids.fact).updated_at.date().isoformat()
