"""Editing an article through the API: each claim's selectors stay on the same words (the
fact's updated_at: tests/verification/facts/test_updated_at_after_article_edits.py)."""

import pytest

from annotations.models import Article, Claim
from tests.desk import desk_build, fact_words_edit

pytestmark = pytest.mark.django_db


def test_a_fuzzy_claims_selectors_never_disagree_on_the_words(api_as, roles, annotator):
    ids = desk_build()
    claim = fact_words_edit(api_as, annotator, ids, "two yeers late")
    assert claim.anchor_state == "fuzzy"
    annotation = api_as().get(f"/api/v1/facts/{ids.fact}/annotation/").json()
    detail = api_as(annotator).get(f"/api/v1/claims/{claim.pk}/").json()
    for selectors in (annotation["target"]["selector"], detail["selector"]):
        by_type = {s["type"]: s for s in selectors}
        assert by_type["TextQuoteSelector"]["exact"] == "two years late"
        assert "TextPositionSelector" not in by_type


def test_a_moved_claim_keeps_both_selectors_on_the_same_words(api_as, roles, annotator):
    ids = desk_build()
    article = Article.objects.get(pk=ids.article)
    api_as(annotator).patch(
        f"/api/v1/articles/{article.pk}/", {"text": "Update: " + article.text}, format="json"
    )
    claim = Claim.objects.get(fact__id=ids.fact)
    text = Article.objects.get(pk=ids.article).text
    for selectors in (
        api_as().get(f"/api/v1/facts/{ids.fact}/annotation/").json()["target"]["selector"],
        api_as(annotator).get(f"/api/v1/claims/{claim.pk}/").json()["selector"],
    ):
        by_type = {s["type"]: s for s in selectors}
        position = by_type["TextPositionSelector"]
        assert text[position["start"] : position["end"]] == by_type["TextQuoteSelector"]["exact"]


def test_saving_an_unchanged_text_reports_each_claims_anchor_as_it_is(api_as, roles, annotator):
    ids = desk_build()
    fact_words_edit(api_as, annotator, ids, "two yeers late")
    article = Article.objects.get(pk=ids.article)
    response = api_as(annotator).patch(
        f"/api/v1/articles/{article.pk}/", {"text": article.text}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["reanchored"] == {"kept": 3, "moved": 0, "fuzzy": 1, "orphaned": 0}
