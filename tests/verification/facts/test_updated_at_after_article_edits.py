"""A fact's updated_at moves when an edit of its article moves its claim or sends it back."""

import pytest

from annotations.models import Article
from tests.desk import desk_build, fact_words_edit

pytestmark = pytest.mark.django_db


def test_a_published_claim_moved_by_an_edit_shows_a_newer_updated_at(api_as, roles, annotator):
    ids = desk_build()
    before = api_as().get(f"/api/v1/facts/{ids.fact}/").json()
    article = Article.objects.get(pk=ids.article)
    api_as(annotator).patch(
        f"/api/v1/articles/{article.pk}/", {"text": "Update: " + article.text}, format="json"
    )
    after = api_as().get(f"/api/v1/facts/{ids.fact}/").json()
    assert after["under_review"] is False  # moved, same words: still published as it was
    assert after["updated_at"] > before["updated_at"]
    since = api_as().get("/api/v1/facts/", {"updated_after": after["updated_at"]}).json()
    assert [fact["id"] for fact in since["results"]] == [ids.fact]


def test_a_fact_sent_back_to_review_by_an_edit_shows_a_newer_updated_at(api_as, roles, annotator):
    ids = desk_build()
    before = api_as().get(f"/api/v1/facts/{ids.fact}/").json()
    fact_words_edit(api_as, annotator, ids, "two yeers late")
    after = api_as().get(f"/api/v1/facts/{ids.fact}/").json()
    assert after["under_review"] is True
    assert after["updated_at"] > before["updated_at"]
