"""Outbound webhooks: who wants which events, the events themselves, and each delivery's log."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    CLAIM_SUBMITTED = "claim.submitted", _("Claim submitted for checking")
    CHECK_FINISHED = "check.finished", _("Machine check finished")
    CLAIM_NEEDS_REVIEW = "claim.needs_review", _("Claim needs review")
    REVIEW_RECORDED = "review.recorded", _("Verdict recorded")
    FACT_PUBLISHED = "fact.published", _("Fact published")
    FACT_RETRACTED = "fact.retracted", _("Fact retracted")
    SOURCE_CHANGED = "source.changed", _("Source changed or gone (re-check)")
    FACTCHECK_MATCHED = "factcheck.matched", _("Submitted claim matches earlier fact-checks")
    TEST = "webhook.test", _("Test event (sent on request only)")


# What a subscription may ask for; the test event goes to whoever asks for it by hand.
SUBSCRIBABLE_EVENTS = [value for value in EventType.values if value != EventType.TEST]


class PayloadFormat(models.TextChoices):
    STANDARD = "standard", _("Standard Webhooks JSON")
    SLACK = "slack", _("Slack incoming-webhook message")


class Subscription(models.Model):
    name = models.CharField(
        max_length=200, help_text=_("Who receives this, for people: 'CMS'."), verbose_name=_("name")
    )
    target_url = models.URLField(max_length=2000, verbose_name=_("target URL"))
    # whsec_ + base64 of 32 random bytes, as the Standard Webhooks spec writes secrets.
    secret = models.CharField(max_length=100, editable=False, verbose_name=_("secret"))
    events = models.JSONField(
        default=list, help_text=_("Event types this receiver wants."), verbose_name=_("events")
    )
    payload_format = models.CharField(
        max_length=20,
        choices=PayloadFormat.choices,
        default=PayloadFormat.STANDARD,
        verbose_name=_("payload format"),
    )
    is_active = models.BooleanField(default=True, verbose_name=_("is active"))
    disabled_reason = models.TextField(blank=True, verbose_name=_("disabled reason"))
    disabled_at = models.DateTimeField(null=True, blank=True, verbose_name=_("disabled at"))
    # Start of the current run of failed attempts (cleared by any success): a subscription that
    # has failed without a single success for long enough is disabled.
    failing_since = models.DateTimeField(null=True, blank=True, verbose_name=_("failing since"))
    consecutive_failures = models.PositiveIntegerField(
        default=0, verbose_name=_("consecutive failures")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        ordering = ("name", "id")
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")

    def __str__(self) -> str:
        return self.name

    def wants(self, event_type: str) -> bool:
        return event_type in self.events


class Event(models.Model):
    """Something that happened, frozen as JSON when it happened: every retry sends these bytes."""

    id = models.UUIDField(
        primary_key=True, default=uuid.uuid4, editable=False, verbose_name=_("ID")
    )
    type = models.CharField(max_length=40, choices=EventType.choices, verbose_name=_("type"))
    # The Standard Webhooks envelope as sent: {"id", "type", "timestamp", "data"}. Text, not
    # JSON: jsonb reorders keys, and a receiver may compare bodies across retries.
    body = models.TextField(verbose_name=_("body"))
    # Set for an event a task may emit twice (a redelivered message): the second finds the first.
    dedupe_key = models.CharField(
        max_length=200, null=True, blank=True, unique=True, verbose_name=_("dedupe key")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("event")
        verbose_name_plural = _("events")
        # The sweeper's pruning reads events by age.
        indexes = [models.Index(fields=("created_at",), name="event_created")]

    def __str__(self) -> str:
        return f"{self.type} {self.public_id}"

    @property
    def public_id(self) -> str:
        return f"evt_{self.id.hex}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Delivered")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """One event to one subscription; its id is the `webhook-id` header, the same on every try."""

    id = models.UUIDField(
        primary_key=True, default=uuid.uuid4, editable=False, verbose_name=_("ID")
    )
    subscription = models.ForeignKey(
        Subscription,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("subscription"),
    )
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("event")
    )
    status = models.CharField(
        max_length=20,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
        verbose_name=_("status"),
    )
    attempts = models.PositiveIntegerField(default=0, verbose_name=_("attempts"))
    next_attempt_at = models.DateTimeField(null=True, blank=True, verbose_name=_("next attempt at"))
    # Held by the worker sending it, so a redelivered message does not send it twice at once;
    # a killed worker's hold simply runs out.
    locked_until = models.DateTimeField(null=True, blank=True, verbose_name=_("locked until"))
    last_status_code = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("last status code")
    )
    last_error = models.TextField(blank=True, verbose_name=_("last error"))
    delivered_at = models.DateTimeField(null=True, blank=True, verbose_name=_("delivered at"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=("subscription", "event"), name="one_delivery_per_event")
        ]
        indexes = [
            # The sweeper's query: pending deliveries that are due.
            models.Index(fields=("status", "next_attempt_at"), name="delivery_due"),
        ]

    def __str__(self) -> str:
        return self.webhook_id

    @property
    def webhook_id(self) -> str:
        return f"msg_{self.id.hex}"


class DeliveryAttempt(models.Model):
    """One HTTP request of a delivery: the log a desk admin reads."""

    delivery = models.ForeignKey(
        Delivery, on_delete=models.CASCADE, related_name="log", verbose_name=_("delivery")
    )
    attempted_at = models.DateTimeField(verbose_name=_("attempted at"))
    status_code = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("status code"))
    latency_ms = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("latency ms"))
    # Plain text, escaped wherever it is shown: a receiver's answer is never rendered as HTML.
    response_excerpt = models.TextField(blank=True, verbose_name=_("response excerpt"))
    error = models.TextField(blank=True, verbose_name=_("error"))
    next_retry_at = models.DateTimeField(null=True, blank=True, verbose_name=_("next retry at"))

    class Meta:
        ordering = ("-attempted_at", "-id")
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self) -> str:
        return f"{self.delivery_id} at {self.attempted_at:%Y-%m-%d %H:%M:%S}"
