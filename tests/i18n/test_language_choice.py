"""The interface language: chosen in the admin header, remembered for the person."""

import pytest
from django.test import Client

from annotations.models import UserPreference

pytestmark = pytest.mark.django_db


def _choose(client: Client, language: str, next_url: str = "/admin/"):
    return client.post("/i18n/language/", {"language": language, "next": next_url})


def test_every_admin_page_offers_the_shipped_languages_by_their_own_names(client, annotator):
    client.force_login(annotator)
    page = client.get("/admin/").content.decode()
    assert 'id="fd-language"' in page
    for code, name in [
        ("en", "English"),
        ("es", "español"),
        ("fr", "français"),
        ("de", "Deutsch"),
        ("pt-br", "Português Brasileiro"),
        ("ar", "العربيّة"),
    ]:
        assert f'value="{code}" lang="{code}"' in page
        assert name in page


def test_the_login_page_offers_the_languages_too(client):
    page = client.get("/admin/login/").content.decode()
    assert 'id="fd-language-select"' in page


def test_a_chosen_language_is_stored_for_the_person_and_comes_back_on_another_device(
    client, annotator
):
    client.force_login(annotator)
    response = _choose(client, "es", "/admin/annotations/article/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/annotations/article/"
    assert UserPreference.objects.get(user=annotator).language == "es"
    assert '<html lang="es" dir="ltr">' in client.get("/admin/").content.decode()

    other_device = Client()  # no cookie, no session: only the account remembers
    other_device.force_login(annotator)
    assert '<html lang="es" dir="ltr">' in other_device.get("/admin/").content.decode()


def test_arabic_turns_the_pages_right_to_left(client, reviewer):
    client.force_login(reviewer)
    _choose(client, "ar")
    page = client.get("/admin/").content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert "admin/css/rtl.css" in page


def test_the_stored_choice_wins_over_the_browsers_language(client, annotator):
    client.force_login(annotator)
    _choose(client, "de")
    fresh = Client(headers={"accept-language": "fr"})
    fresh.force_login(annotator)
    assert '<html lang="de"' in fresh.get("/admin/").content.decode()


def test_without_a_choice_the_browsers_language_is_used(annotator):
    browser = Client(headers={"accept-language": "fr-FR,fr;q=0.9"})
    browser.force_login(annotator)
    assert '<html lang="fr"' in browser.get("/admin/").content.decode()
    assert not UserPreference.objects.filter(user=annotator).exists()


def test_a_language_the_desk_does_not_ship_is_not_stored(client, annotator):
    client.force_login(annotator)
    _choose(client, "xx")
    assert not UserPreference.objects.filter(user=annotator).exists()
    assert '<html lang="en"' in client.get("/admin/").content.decode()


def test_a_signed_out_visitor_keeps_the_choice_in_a_cookie_only(client):
    response = _choose(client, "fr", "/admin/login/")
    assert response.cookies["django_language"].value == "fr"
    assert '<html lang="fr"' in client.get("/admin/login/").content.decode()
    assert not UserPreference.objects.exists()


def test_switching_sends_the_person_back_only_to_this_site(client, annotator):
    client.force_login(annotator)
    response = _choose(client, "es", "https://elsewhere.example/")
    assert response["Location"] == "/"


def test_the_javascript_catalog_of_the_desks_scripts_is_served(client):
    response = client.get("/i18n/js/")
    assert response.status_code == 200
    assert "function gettext" in response.content.decode() or "gettext" in response.content.decode()


TRANSLATED_QUEUE_LABEL = {
    "es": "Cola de verificación",
    "fr": "File de vérification",
    "de": "Prüfwarteschlange",
    "pt-br": "Fila de verificação",
    "ar": "قائمة انتظار التحقق",
}


@pytest.mark.parametrize("language", sorted(TRANSLATED_QUEUE_LABEL))
def test_the_queue_and_the_script_strings_read_in_the_chosen_language(client, reviewer, language):
    client.force_login(reviewer)
    _choose(client, language)
    page = client.get("/admin/annotations/claim/queue/").content.decode()
    assert TRANSLATED_QUEUE_LABEL[language] in page
    assert "Verification queue" not in page  # title, breadcrumbs, sidebar
    catalog = client.get(f"/i18n/js/?l={language}").content.decode()
    assert "Claims at this place" in catalog  # the msgid, with its translation beside it
