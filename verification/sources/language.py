"""A snapshot's language: detected when archived, corrected by a person when detection is wrong."""

from django.db import transaction

from annotations.language import language_code_clean, language_detect
from verification.models import SourceSnapshot


def snapshot_language_set(*, snapshot: SourceSnapshot, language: str) -> SourceSnapshot:
    """Correct a snapshot's language; "" detects it again from the archived text."""
    language = language_code_clean(language) or language_detect(snapshot.text)
    with transaction.atomic():
        SourceSnapshot.objects.filter(pk=snapshot.pk).update(language=language)
    snapshot.language = language
    return snapshot
