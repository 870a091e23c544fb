"""Outbound webhooks: who wants which events, the events themselves, and each delivery's log."""

import uuid

from django.conf import settings
from django.db import models


class EventType(models.TextChoices):
    CLAIM_SUBMITTED = "claim.submitted", "Claim submitted for checking"
    CHECK_FINISHED = "check.finished", "Machine check finished"
    CLAIM_NEEDS_REVIEW = "claim.needs_review", "Claim needs review"
    REVIEW_RECORDED = "review.recorded", "Verdict recorded"
    FACT_PUBLISHED = "fact.published", "Fact published"
    FACT_RETRACTED = "fact.retracted", "Fact retracted"
    SOURCE_CHANGED = "source.changed", "Source changed or gone (re-check)"
    FACTCHECK_MATCHED = "factcheck.matched", "Submitted claim matches earlier fact-checks"
    TEST = "webhook.test", "Test event (sent on request only)"


# What a subscription may ask for; the test event goes to whoever asks for it by hand.
SUBSCRIBABLE_EVENTS = [value for value in EventType.values if value != EventType.TEST]


class PayloadFormat(models.TextChoices):
    STANDARD = "standard", "Standard Webhooks JSON"
    SLACK = "slack", "Slack incoming-webhook message"


class Subscription(models.Model):
    name = models.CharField(max_length=200, help_text="Who receives this, for people: 'CMS'.")
    target_url = models.URLField(max_length=2000)
    # whsec_ + base64 of 32 random bytes, as the Standard Webhooks spec writes secrets.
    secret = models.CharField(max_length=100, editable=False)
    events = models.JSONField(default=list, help_text="Event types this receiver wants.")
    payload_format = models.CharField(
        max_length=20, choices=PayloadFormat.choices, default=PayloadFormat.STANDARD
    )
    is_active = models.BooleanField(default=True)
    disabled_reason = models.TextField(blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    # Start of the current run of failed attempts (cleared by any success): a subscription that
    # has failed without a single success for long enough is disabled.
    failing_since = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("name", "id")

    def __str__(self) -> str:
        return self.name

    def wants(self, event_type: str) -> bool:
        return event_type in self.events


class Event(models.Model):
    """Something that happened, frozen as JSON when it happened: every retry sends these bytes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(max_length=40, choices=EventType.choices)
    # The Standard Webhooks envelope as sent: {"id", "type", "timestamp", "data"}. Text, not
    # JSON: jsonb reorders keys, and a receiver may compare bodies across retries.
    body = models.TextField()
    # Set for an event a task may emit twice (a redelivered message): the second finds the first.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at",)
        # The sweeper's pruning reads events by age.
        indexes = [models.Index(fields=("created_at",), name="event_created")]

    def __str__(self) -> str:
        return f"{self.type} {self.public_id}"

    @property
    def public_id(self) -> str:
        return f"evt_{self.id.hex}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Delivered"
    FAILED = "failed", "Failed"


class Delivery(models.Model):
    """One event to one subscription; its id is the `webhook-id` header, the same on every try."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(
        max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Held by the worker sending it, so a redelivered message does not send it twice at once;
    # a killed worker's hold simply runs out.
    locked_until = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at",)
        verbose_name_plural = "deliveries"
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

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="log")
    attempted_at = models.DateTimeField()
    status_code = models.PositiveIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    # Plain text, escaped wherever it is shown: a receiver's answer is never rendered as HTML.
    response_excerpt = models.TextField(blank=True)
    error = models.TextField(blank=True)
    next_retry_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-attempted_at", "-id")

    def __str__(self) -> str:
        return f"{self.delivery_id} at {self.attempted_at:%Y-%m-%d %H:%M:%S}"
