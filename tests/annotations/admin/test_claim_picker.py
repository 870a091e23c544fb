"""The source page's claim picker: searched as you type, each claim named with its article."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations.models import Claim
from annotations.services import claim_create
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

ADD_PAGE = "/admin/annotations/source/add/"
SEARCH = "/admin/annotations/claim/autocomplete/"
TEXT = "The minister said the bridge would open in May."


@pytest.fixture
def same_words_in_two_articles(annotator):
    budget = ArticleFactory(title="Budget debate in the city council", text=TEXT)
    transport = ArticleFactory(title="Transport plan for the next decade", text=TEXT)
    return [
        claim_create(article=article, user=annotator, exact="The minister said")
        for article in (budget, transport)
    ]


def search(client, term: str) -> list[str]:
    response = client.get(
        SEARCH,
        {"term": term, "app_label": "annotations", "model_name": "source", "field_name": "claims"},
    )
    assert response.status_code == 200, response.content
    return [result["text"] for result in response.json()["results"]]


def test_claims_with_the_same_words_are_told_apart_by_their_article(
    client, annotator, same_words_in_two_articles
):
    client.force_login(annotator)
    assert sorted(search(client, "minister")) == [
        "The minister said — Budget debate in the city council",
        "The minister said — Transport plan for the next decade",
    ]


def test_the_picker_finds_claims_by_their_article_title(
    client, annotator, same_words_in_two_articles
):
    client.force_login(annotator)
    assert search(client, "transport") == [
        "The minister said — Transport plan for the next decade"
    ]


def test_the_add_page_searches_claims_instead_of_listing_them_all(
    client, annotator, same_words_in_two_articles
):
    budget_claim, transport_claim = same_words_in_two_articles
    client.force_login(annotator)
    page = client.get(ADD_PAGE, {"claims": budget_claim.pk}).content.decode()
    assert f'data-ajax--url="{SEARCH}"' in page
    # The claim the page was opened from is chosen and named with its article; no other is listed.
    assert (
        f'<option value="{budget_claim.pk}" selected>'
        "The minister said — Budget debate in the city council</option>"
    ) in page
    assert "Transport plan" not in page


def test_a_search_costs_the_same_queries_for_two_claims_or_twenty(client, annotator):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            search(client, "minister")
        return len(captured)

    client.force_login(annotator)
    for _ in range(2):
        claim_create(article=ArticleFactory(text=TEXT), user=annotator, exact="The minister said")
    search(client, "minister")  # warm the permission cache out of the count
    few = queries()
    for _ in range(18):
        claim_create(article=ArticleFactory(text=TEXT), user=annotator, exact="The minister said")
    assert Claim.objects.count() == 20
    assert queries() == few


def test_the_search_is_refused_to_people_who_may_not_see_claims(
    client, outsider, same_words_in_two_articles
):
    client.force_login(outsider)
    response = client.get(
        SEARCH,
        {"term": "", "app_label": "annotations", "model_name": "source", "field_name": "claims"},
    )
    assert response.status_code == 403
