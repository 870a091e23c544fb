"""The interface language: chosen in the admin header, remembered per person.

The order of precedence is the person's stored choice (annotations.preferences), then Django's
own: the language cookie, then the browser's Accept-Language, then LANGUAGE_CODE. The stored
choice is read once per session and kept in it, so a page costs no extra query.
"""

from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from annotations.preferences import LANGUAGE_CODES, user_language_get, user_language_set

SESSION_KEY = "factdesk_language"


def _stored_language(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    # Keyed by user id as well, in case a session outlives a change of who is signed in.
    cached = request.session.get(SESSION_KEY)
    if isinstance(cached, list) and len(cached) == 2 and cached[0] == user.pk:
        language = cached[1]
    else:
        language = user_language_get(user=user)
        request.session[SESSION_KEY] = [user.pk, language]
    return language if language in LANGUAGE_CODES else ""


class UserLanguageMiddleware(LocaleMiddleware):
    """Activate the signed-in person's stored language, else what LocaleMiddleware finds."""

    def process_request(self, request: HttpRequest) -> None:
        language = _stored_language(request)
        if not language:
            super().process_request(request)
            return
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


@require_POST
def language_choose(request: HttpRequest) -> HttpResponse:
    """Switch the interface language (Django's set_language) and remember it for the person."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if language in LANGUAGE_CODES and request.user.is_authenticated:
        user_language_set(user=request.user, language=language)
        request.session[SESSION_KEY] = [request.user.pk, language]
    return response
