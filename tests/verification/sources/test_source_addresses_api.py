"""A source address the fetcher would refuse is refused when it is entered, with the reason."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    ["http://169.254.169.254/latest/meta-data/", "http://[::1]/", "http://files.internal/report"],
)
def test_an_internal_source_address_is_a_400_and_nothing_is_attached(
    annotator, article_id, url, api_token_as
):
    annotating = api_token_as(annotator)
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
