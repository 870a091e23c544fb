from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "verification.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        # Claims change status in annotations, which must not import verification: it
        # announces, webhooks listen (annotations.core.events, as verification's app does).
        from annotations.core.events import CLAIM_STATUS_CHANGED
        from verification import events
        from verification.webhooks import events as webhook_events

        events.listen(CLAIM_STATUS_CHANGED, webhook_events.claim_status_changed)
        # Likewise the services of checks, review, facts and sources announce their changes
        # (verification.events) and webhooks, above them all, turns each into an event.
        events.listen(events.CHECK_FINISHED, webhook_events.check_finished)
        events.listen(events.REVIEW_RECORDED, webhook_events.review_recorded)
        events.listen(events.FACT_PUBLISHED, webhook_events.fact_published)
        events.listen(events.FACT_RETRACTED, webhook_events.fact_retracted)
        events.listen(events.SOURCE_CHANGED, webhook_events.source_changed)
