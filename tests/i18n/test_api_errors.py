"""The API's refusals read in the request's language: Accept-Language, or the person's choice."""

import pytest
from rest_framework.test import APIClient

from annotations.preferences import user_language_set
from annotations.services import claim_create
from tests.desk import desk_build
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def _client(user, language: str | None) -> APIClient:
    client = APIClient(headers={"accept-language": language} if language else {})
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize(
    ("language", "detail"),
    [
        ("en", "This claim has no verdict to publish; review it first."),
        ("es", "Esta afirmación no tiene veredicto que publicar; revísala primero."),
        ("ar", "ليس لهذا الادعاء حكم يُنشر؛ راجعه أولًا."),
    ],
)
def test_a_409_from_a_transition_reads_in_the_requested_language(
    roles, publisher, language, detail
):
    ids = desk_build()
    response = _client(publisher, language).post(f"/api/v1/claims/{ids.waiting}/publish/")
    assert response.status_code == 409
    assert response.json() == {"detail": detail}


@pytest.mark.parametrize(
    ("language", "detail"),
    [
        ("es", "Esta afirmación no tiene fuentes: adjunta al menos una antes de enviarla."),
        ("ar", "ليس لهذا الادعاء مصادر: أرفق مصدرًا واحدًا على الأقل قبل إرساله."),
    ],
)
def test_a_400_from_a_verification_service_reads_in_the_requested_language(
    roles, annotator, language, detail
):
    claim = claim_create(article=ArticleFactory(), user=annotator, exact="The mayor said")
    response = _client(annotator, language).post(f"/api/v1/claims/{claim.pk}/submit/")
    assert response.status_code == 400
    assert response.json() == {"sources": [detail]}


@pytest.mark.parametrize(
    ("language", "detail"),
    [
        ("es", "Las posiciones 0-9999 están fuera del texto del artículo (0-%s) o vacías."),
        ("ar", "المواضع 0-9999 خارج نص المقال (0-%s) أو فارغة."),
    ],
)
def test_a_400_keeps_its_figures_in_the_translated_sentence(roles, annotator, language, detail):
    article = ArticleFactory()
    selector = [{"type": "TextPositionSelector", "start": 0, "end": 9999}]
    response = _client(annotator, language).post(
        "/api/v1/claims/", {"article": article.pk, "selector": selector}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"selector": [detail % len(article.text)]}


def test_a_403_names_the_role_in_the_requested_language(roles, annotator):
    ids = desk_build()
    response = _client(annotator, "es").post(f"/api/v1/claims/{ids.reviewed}/publish/")
    assert response.status_code == 403
    assert response.json() == {"detail": "Solo los editores pueden publicar hechos verificados."}
    response = _client(annotator, "de").post(f"/api/v1/claims/{ids.reviewed}/publish/")
    assert response.json() == {"detail": "Nur Herausgeber dürfen Fakten veröffentlichen."}


def test_a_signed_in_persons_stored_language_wins_over_the_browsers(roles, publisher):
    ids = desk_build()
    user_language_set(user=publisher, language="ar")
    client = APIClient(headers={"accept-language": "fr"})
    client.force_login(publisher)  # a session: the choice is read before the view runs
    response = client.post(f"/api/v1/claims/{ids.waiting}/publish/")
    assert response.status_code == 409
    assert response.json() == {"detail": "ليس لهذا الادعاء حكم يُنشر؛ راجعه أولًا."}
