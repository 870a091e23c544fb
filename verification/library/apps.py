from django.apps import AppConfig


class LibraryConfig(AppConfig):
    """Earlier fact-checks from anywhere (schema.org ClaimReview) and matching by meaning."""

    name = "verification.library"
    label = "library"
    verbose_name = "Fact-check library"
