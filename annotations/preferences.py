"""Each person's interface language: stored per user, so it follows them to any device."""

from django.conf import settings
from django.db import transaction

from annotations.models import UserPreference

LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


def user_language_get(*, user) -> str:
    """Return the language the user chose, or "" when they never chose one."""
    preference = UserPreference.objects.filter(user=user).values_list("language", flat=True)
    return preference.first() or ""


def user_language_set(*, user, language: str) -> UserPreference:
    """Remember the user's interface language; refuse a language the desk does not ship."""
    if language not in LANGUAGE_CODES:
        raise ValueError(f"Unknown interface language {language!r}.")
    with transaction.atomic():
        preference, _created = UserPreference.objects.update_or_create(
            user=user, defaults={"language": language}
        )
    return preference
