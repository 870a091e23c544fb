"""A source address the fetcher would refuse is refused when it is entered, with the reason."""

import pytest

from tests.api.test_contract import ARTICLE_TEXT, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def article_id(annotator):
    response = client_for(annotator).post(
        "/api/v1/articles/", {"title": "Arms deal", "text": ARTICLE_TEXT}, format="json"
    )
    return response.data["id"]


@pytest.mark.parametrize(
    "url",
    ["http://169.254.169.254/latest/meta-data/", "http://[::1]/", "http://files.internal/report"],
)
def test_an_internal_source_address_is_a_400_and_nothing_is_attached(annotator, article_id, url):
    annotating = client_for(annotator)
    claim = annotating.post(
        "/api/v1/claims/",
        {
            "article": article_id,
            "text": "Mkrtychev is 56.",
            "selector": [{"type": "TextQuoteSelector", "exact": "a 56-year-old Slovakian man"}],
        },
        format="json",
    ).data
    response = annotating.post(
        f"/api/v1/claims/{claim['id']}/sources/", {"url": url}, format="json"
    )
    assert response.status_code == 400
    assert "This address cannot be a source: " in str(response.data)
    assert "refused" not in str(response.data)  # said once, in words
    assert annotating.get(f"/api/v1/claims/{claim['id']}/sources/").data == []
