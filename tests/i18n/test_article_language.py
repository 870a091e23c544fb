"""Each article's language is detected, stored, shown, corrected by a person and served."""

import pytest
from rest_framework.test import APIClient

from annotations import services
from annotations.language import language_detect
from annotations.models import Article

pytestmark = pytest.mark.django_db

SPANISH = (
    "El ministro de Economía dijo el martes que el desempleo bajó al 5 por ciento el año "
    "pasado, la cifra más baja desde 2008, aunque los sindicatos lo pusieron en duda."
)
ARABIC = (
    "قال وزير الاقتصاد يوم الثلاثاء إن البطالة انخفضت إلى 5 في المئة العام الماضي، "
    "وهو أدنى مستوى منذ عام 2008، لكن النقابات شككت في هذا الرقم."
)
ENGLISH = (
    "The economy minister said on Tuesday that unemployment fell to 5 percent last year, "
    "the lowest since 2008, although the unions questioned the figure."
)


@pytest.mark.parametrize(
    ("text", "language"),
    [(SPANISH, "es"), (ARABIC, "ar"), (ENGLISH, "en"), ("56% (2024)", ""), ("", "")],
)
def test_the_language_of_a_text_is_detected_or_left_unknown_when_there_are_too_few_words(
    text, language
):
    assert language_detect(text) == language


def test_a_new_article_gets_the_language_of_its_text(annotator):
    article = services.article_create(title="Paro", text=SPANISH, user=annotator)
    assert Article.objects.get(pk=article.pk).language == "es"


def test_a_new_text_is_detected_again_unless_a_person_set_the_language(annotator):
    article = services.article_create(title="Paro", text=SPANISH, user=annotator)
    services.article_update_text(article=article, text=ARABIC, user=annotator)
    assert Article.objects.get(pk=article.pk).language == "ar"

    services.article_update(article=article, user=annotator, language="es")
    services.article_update_text(article=article, text=ENGLISH, user=annotator)
    stored = Article.objects.get(pk=article.pk)
    assert (stored.language, stored.language_by_hand) == ("es", True)


def test_the_api_serves_the_language_and_takes_a_correction(annotator):
    client = APIClient()
    client.force_authenticate(annotator)
    created = client.post("/api/v1/articles/", {"title": "Paro", "text": SPANISH}, format="json")
    assert created.status_code == 201
    assert created.json()["language"] == "es"
    article_id = created.json()["id"]

    corrected = client.patch(f"/api/v1/articles/{article_id}/", {"language": "gl"}, format="json")
    assert corrected.status_code == 200
    assert corrected.json()["language"] == "gl"
    listed = client.get("/api/v1/articles/").json()["results"]
    assert [row["language"] for row in listed if row["id"] == article_id] == ["gl"]


def test_the_api_refuses_a_language_code_that_does_not_exist(annotator):
    client = APIClient()
    client.force_authenticate(annotator)
    article = services.article_create(title="Paro", text=SPANISH, user=annotator)
    response = client.patch(f"/api/v1/articles/{article.pk}/", {"language": "xx"}, format="json")
    assert response.status_code == 400
    assert "language" in response.json()
    assert Article.objects.get(pk=article.pk).language == "es"


def test_a_person_corrects_the_language_on_the_article_page(client, annotator):
    article = services.article_create(title="Paro", text=SPANISH, user=annotator)
    client.force_login(annotator)
    page = client.get(f"/admin/annotations/article/{article.pk}/change/").content.decode()
    assert '<option value="es" selected>' in page
    assert 'class="fd-text" dir="auto" lang="es"' in page  # the text says its language
    response = client.post(
        f"/admin/annotations/article/{article.pk}/change/",
        {
            "title": "Paro",
            "url": "",
            "publisher": "",
            "published_at_0": "",
            "published_at_1": "",
            "language": "pt",
            "text": SPANISH,
            "revisions-TOTAL_FORMS": "0",
            "revisions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    stored = Article.objects.get(pk=article.pk)
    assert (stored.language, stored.language_by_hand) == ("pt", True)


def test_an_api_error_reads_in_the_language_the_client_asks_for(annotator):
    client = APIClient(headers={"accept-language": "es"})
    client.force_authenticate(annotator)
    response = client.post("/api/v1/articles/", {"title": "Paro", "text": "   "}, format="json")
    assert response.status_code == 400
    assert response.json()["text"] == ["El artículo no tiene texto."]
    english = APIClient()
    english.force_authenticate(annotator)
    response = english.post("/api/v1/articles/", {"title": "Paro", "text": "   "}, format="json")
    assert response.json()["text"] == ["The article has no text."]
