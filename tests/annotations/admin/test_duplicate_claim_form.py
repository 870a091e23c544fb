"""The admin's claim add form says which claim already marks the selected words, with a link."""

import pytest

from annotations.models import Claim
from annotations.services import claim_create
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/annotations/claim/add/"


def _form(article, **fields):
    return {
        "article": article.pk,
        "text": "",
        "speaker": "",
        "kind": "other",
        "tag_names": "",
        "source_url": "",
        "source_title": "",
        "source_text": "",
        **fields,
    }


def test_a_selection_already_marked_is_refused_with_a_link_to_the_claim(client, annotator):
    article = ArticleFactory()
    existing = claim_create(article=article, user=annotator, exact="Critics said")
    start = article.text.index("Critics said")
    client.force_login(annotator)

    response = client.post(
        ADD_URL,
        _form(article, start=start, end=start + 12, text_version=article.text_version),
    )

    assert response.status_code == 200
    page = response.content.decode()
    link = f'<a href="/admin/annotations/claim/{existing.pk}/change/">claim {existing.pk}</a>'
    assert f"Already marked as {link}" in page
    assert Claim.objects.count() == 1


def test_a_typed_quote_already_marked_is_refused_too(client, annotator):
    article = ArticleFactory()
    existing = claim_create(article=article, user=annotator, exact="two years late")
    client.force_login(annotator)

    response = client.post(ADD_URL, _form(article, quote="two years late"))

    assert response.status_code == 200
    assert f'Already marked as <a href="/admin/annotations/claim/{existing.pk}/change/"' in (
        response.content.decode()
    )
    assert Claim.objects.count() == 1
