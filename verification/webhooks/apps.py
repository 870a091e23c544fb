from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "verification.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        # Claims change status in annotations, which must not import verification: it calls
        # the listeners it is given (as verification's own app does for facts).
        from annotations import services as annotation_services
        from verification.webhooks.events import claim_status_changed

        if claim_status_changed not in annotation_services.CLAIM_STATUS_LISTENERS:
            annotation_services.CLAIM_STATUS_LISTENERS.append(claim_status_changed)
