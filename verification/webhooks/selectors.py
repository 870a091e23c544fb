"""Reads the webhook API and admin share."""

from django.db.models import QuerySet

from verification.webhooks.models import Delivery, DeliveryAttempt, Subscription


def subscription_list() -> QuerySet[Subscription]:
    return Subscription.objects.order_by("id")


def delivery_log(*, subscription: Subscription) -> QuerySet[DeliveryAttempt]:
    """Every try of every delivery of a subscription, newest first, with its event's type."""
    return (
        DeliveryAttempt.objects.filter(delivery__subscription=subscription)
        .select_related("delivery__event")
        .order_by("-attempted_at", "-id")
    )


def delivery_list(*, subscription: Subscription) -> QuerySet[Delivery]:
    return (
        Delivery.objects.filter(subscription=subscription)
        .select_related("event")
        .order_by("-created_at", "-pk")
    )
