from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    """Earlier fact-checks from anywhere (schema.org ClaimReview) and matching by meaning."""

    name = "verification.library"
    label = "library"
    verbose_name = _("Fact-check library")
