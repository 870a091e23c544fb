"""Refusals say what to do: the role that may, the state that forbids, the field that is wrong,
the size limit."""

import pytest
from rest_framework.test import APIClient

from annotations.models import Claim, ClaimStatus
from annotations.services import claim_create
from tests.desk import desk_build
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_a_source_cannot_be_attached_to_a_published_or_retracted_claim(
    api_as, roles, annotator, publisher
):
    from annotations.models import Source
    from verification.facts.services import fact_retract

    ids = desk_build()
    claim = Claim.objects.get(fact__id=ids.fact)
    client = api_as(annotator)
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


def test_a_403_names_the_role_that_may_do_it(api_as, roles, annotator, reviewer):
    ids = desk_build()
    response = api_as(annotator).post(f"/api/v1/claims/{ids.reviewed}/publish/")
    assert response.status_code == 403
    assert response.json() == {"detail": "Only publishers can publish facts."}
    response = api_as(reviewer).post("/api/v1/articles/", {"title": "T", "text": "Words."})
    assert response.json() == {"detail": "Only annotators can add articles."}


def test_publishing_a_claim_without_a_verdict_is_a_409_with_a_sentence(api_as, roles, publisher):
    ids = desk_build()
    response = api_as(publisher).post(f"/api/v1/claims/{ids.waiting}/publish/")
    assert response.status_code == 409
    assert response.json() == {"detail": "This claim has no verdict to publish; review it first."}


def test_a_claim_text_over_5000_characters_is_a_400_naming_the_field(api_as, roles, annotator):
    from tests.factories import ArticleFactory

    article = ArticleFactory(text="Long words. " * 1000)
    quote = {"type": "TextQuoteSelector", "exact": "Long words."}
    client = api_as(annotator)
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


def test_pasted_source_text_without_a_title_is_a_400_naming_the_title(api_as, roles, annotator):
    from annotations.models import Source

    ids = desk_build()
    sources_before = Source.objects.count()
    for title in ("", "   "):
        response = api_as(annotator).post(
            f"/api/v1/claims/{ids.waiting}/sources/",
            {"title": title, "text": "It was two years late."},
            format="json",
        )
        assert response.status_code == 400
        assert "needs a title" in str(response.json()["title"])
    assert Source.objects.count() == sources_before


def test_a_request_body_over_the_limit_is_a_413_in_json(annotator, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client = APIClient()
    client.force_authenticate(annotator)
    response = client.post("/api/v1/articles/", {"title": "Big", "text": "x" * 5000}, format="json")
    assert response.status_code == 413
    assert "FACTDESK_MAX_UPLOAD_BYTES" in response.json()["detail"]


def test_a_claim_without_sources_is_refused_at_submit(annotator):
    claim = claim_create(article=ArticleFactory(), user=annotator, exact="Work began in 2019")
    client = APIClient()
    client.force_authenticate(annotator)
    response = client.post(f"/api/v1/claims/{claim.pk}/submit/")
    assert response.status_code == 400
    assert "no sources" in str(response.json()["sources"])
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DRAFT


def test_rechecking_a_published_claim_is_a_409_with_a_message(roles, reviewer):
    ids = desk_build()
    client = APIClient()
    client.force_authenticate(reviewer)
    claim = Claim.objects.get(fact__id=ids.fact)
    response = client.post(f"/api/v1/claims/{claim.pk}/checks/")
    assert response.status_code == 409
    assert response.json()["detail"] == "A published claim cannot be re-checked."
