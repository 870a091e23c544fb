"""Which language a text is written in, as an ISO 639-1 code ("es"), or "" when unsure.

py3langid (a maintained fork of langid.py) ships its model inside the wheel (4.5 MB), loads in
about half a second and reads a text in tens of microseconds; lingua-language-detector was as
accurate on the desk's test sentences but is a 96 MB wheel that takes 11 s and 1 GB of memory to
load with all its languages (bench/language_detectors.py has the comparison).
"""

from functools import cache

from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_lazy as _lazy_name

from annotations.models import Article

SAMPLE_CHARS = 20_000
"""Read no more than the start of a long text: the language does not change on page 30."""

MIN_LETTERS = 12
"""Below this many letters ("56%", a name) no guess is better than a wrong one."""

MIN_PROBABILITY = 0.5
"""py3langid's normalised probability (over 97 languages) under which the text is left undetected:
correct guesses on one-line news sentences score 0.52 to 1.0 (bench/language_detectors.py)."""


@cache
def _identifier():
    # Imported here: the model (and numpy) load on the first detection, not at start-up.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


# The model tells some regional forms apart; the desk records the language they belong to.
_SAME_LANGUAGE = {"ary": "ar", "arz": "ar", "yue": "zh", "wuu": "zh", "uzs": "uz", "zxx": ""}


def language_detect(text: str) -> str:
    """Return the language of ``text`` as a lower-case ISO 639 code, or "" when unsure."""
    sample = (text or "")[:SAMPLE_CHARS]
    if sum(character.isalpha() for character in sample) < MIN_LETTERS:
        return ""
    code, probability = _identifier().classify(sample)
    if probability < MIN_PROBABILITY:
        return ""
    code = str(code).lower()
    return _SAME_LANGUAGE.get(code, code)


def language_name(code: str) -> str:
    """The language's English name ("Spanish") for a code, or the code itself if unknown."""
    info = LANG_INFO.get(code)
    return info["name"] if info and "name" in info else code


@cache
def language_codes() -> frozenset[str]:
    """Every code the desk stores: what the detector can answer, and the languages Django names."""
    detectable = {_SAME_LANGUAGE.get(code, code) for code in _identifier().nb_classes}
    named = {code for code, info in LANG_INFO.items() if len(code) == 2 and "name" in info}
    return frozenset((detectable | named) - {""})


def language_choices() -> list[tuple[str, str]]:
    """The codes a person may choose by hand, by name, "unknown" first."""
    codes = sorted(language_codes(), key=lambda code: (language_name(code).lower(), code))
    # Django's own catalogs translate the names of languages ("Spanish" is "Espagnol" in French).
    return [("", _("unknown"))] + [
        (code, format_lazy("{} ({})", _lazy_name(language_name(code)), code)) for code in codes
    ]


def language_code_clean(code: str) -> str:
    """Return a valid language code in lower case ("" for unknown) or raise ValidationError."""
    code = (code or "").strip().lower()
    if code and code not in language_codes():
        raise ValidationError(
            gettext("“%(code)s” is not a language code (ISO 639-1, like es or ar).")
            % {"code": code}
        )
    return code


def article_language_set(*, article: Article, language: str) -> Article:
    """Correct an article's language by hand; "" hands it back to detection."""
    language = language_code_clean(language)
    with transaction.atomic():
        by_hand = bool(language)
        if not by_hand:
            language = language_detect(article.text)
        Article.objects.filter(pk=article.pk).update(
            language=language, language_by_hand=by_hand, updated_at=timezone.now()
        )
    article.language, article.language_by_hand = language, by_hand
    return article
