"""API shapes for webhook subscriptions and their delivery log."""

from rest_framework import serializers

from verification.webhooks.models import (
    SUBSCRIBABLE_EVENTS,
    DeliveryAttempt,
    PayloadFormat,
    Subscription,
)


class SubscriptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Subscription
        fields = (
            "id",
            "name",
            "target_url",
            "events",
            "payload_format",
            "is_active",
            "disabled_reason",
            "disabled_at",
            "consecutive_failures",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


class SubscriptionWithSecretSerializer(SubscriptionSerializer):
    """Shown once, when the subscription is made or its secret replaced."""

    class Meta(SubscriptionSerializer.Meta):
        fields = SubscriptionSerializer.Meta.fields + ("secret",)
        read_only_fields = fields


class SubscriptionWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    target_url = serializers.URLField(max_length=2000)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=SUBSCRIBABLE_EVENTS), allow_empty=False
    )
    payload_format = serializers.ChoiceField(
        choices=PayloadFormat.choices, default=PayloadFormat.STANDARD
    )
    is_active = serializers.BooleanField(default=True)


class DeliveryAttemptSerializer(serializers.ModelSerializer):
    delivery = serializers.CharField(source="delivery.webhook_id")
    event = serializers.CharField(source="delivery.event.public_id")
    event_type = serializers.CharField(source="delivery.event.type")
    delivery_status = serializers.CharField(source="delivery.status")

    class Meta:
        model = DeliveryAttempt
        fields = (
            "id",
            "delivery",
            "delivery_status",
            "event",
            "event_type",
            "attempted_at",
            "status_code",
            "latency_ms",
            "response_excerpt",
            "error",
            "next_retry_at",
        )


class DeliveryQueuedSerializer(serializers.Serializer):
    delivery = serializers.CharField()
    event = serializers.CharField()
    status = serializers.CharField()
