from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerificationConfig(AppConfig):
    name = "verification"
    verbose_name = _("Verification")

    def ready(self) -> None:
        from annotations import services as annotation_services

        if _source_url_refusal not in annotation_services.SOURCE_URL_CHECKS:
            annotation_services.SOURCE_URL_CHECKS.append(_source_url_refusal)
        from annotations.core.events import CLAIM_STATUS_CHANGED, listen
        from verification.facts.services import fact_touch_on_claim_status

        listen(CLAIM_STATUS_CHANGED, fact_touch_on_claim_status)


def _source_url_refusal(url: str) -> str | None:
    """The fetcher's rules, as far as they apply before DNS is asked (see fetching.url_refusal)."""
    from verification.sources import fetching
    from verification.sources.archive import fetch_policy

    return fetching.url_refusal(url, fetch_policy())
