from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    """Earlier fact-checks from anywhere (schema.org ClaimReview) and matching by meaning."""

    name = "verification.library"
    label = "library"
    verbose_name = _("Fact-check library")

    def ready(self) -> None:
        # facts must not import the library, which builds on it: it announces, the library hears.
        from verification import events
        from verification.library.services import fact_on_publish, fact_on_retract

        events.listen(events.FACT_PUBLISHED, fact_on_publish)
        events.listen(events.FACT_RETRACTED, fact_on_retract)
