"""Webhook subscriptions over the API: desk admins only (`webhooks.change_subscription`)."""

import uuid

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, pagination, status
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.core.api import has_perm
from verification.webhooks import selectors, services
from verification.webhooks.models import Delivery, Subscription
from verification.webhooks.serializers import (
    DeliveryAttemptSerializer,
    DeliveryQueuedSerializer,
    SubscriptionSerializer,
    SubscriptionWithSecretSerializer,
    SubscriptionWriteSerializer,
)

_MANAGE = has_perm("webhooks.change_subscription")
_MANAGE.message = _("Only desk admins can manage webhooks.")


class SubscriptionListView(APIView):
    permission_classes = [_MANAGE]

    @extend_schema(responses=SubscriptionSerializer(many=True))
    def get(self, request):
        return Response(SubscriptionSerializer(selectors.subscription_list(), many=True).data)

    @extend_schema(
        request=SubscriptionWriteSerializer, responses={201: SubscriptionWithSecretSerializer}
    )
    def post(self, request):
        """Add a receiver; the answer holds its signing secret (keep it: it is not shown again)."""
        data = SubscriptionWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subscription = services.subscription_create(**data.validated_data, user=request.user)
        return Response(
            SubscriptionWithSecretSerializer(subscription).data, status=status.HTTP_201_CREATED
        )


class SubscriptionDetailView(APIView):
    permission_classes = [_MANAGE]

    @extend_schema(responses=SubscriptionSerializer)
    def get(self, request, pk: int):
        return Response(SubscriptionSerializer(get_object_or_404(Subscription, pk=pk)).data)

    @extend_schema(request=SubscriptionWriteSerializer, responses=SubscriptionSerializer)
    def patch(self, request, pk: int):
        """Change a receiver; `is_active: true` turns a disabled one back on."""
        subscription = get_object_or_404(Subscription, pk=pk)
        data = SubscriptionWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.subscription_update(subscription=subscription, **data.validated_data)
        return Response(SubscriptionSerializer(subscription).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        services.subscription_delete(subscription=get_object_or_404(Subscription, pk=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class SubscriptionSecretView(APIView):
    permission_classes = [_MANAGE]

    @extend_schema(request=None, responses=SubscriptionWithSecretSerializer)
    def post(self, request, pk: int):
        """Replace the signing secret; the old one stops working at once."""
        subscription = get_object_or_404(Subscription, pk=pk)
        services.subscription_secret_rotate(subscription=subscription)
        return Response(SubscriptionWithSecretSerializer(subscription).data)


class SubscriptionTestView(APIView):
    permission_classes = [_MANAGE]

    @extend_schema(request=None, responses={202: DeliveryQueuedSerializer})
    def post(self, request, pk: int):
        """Send a `webhook.test` event to this receiver now."""
        delivery = services.subscription_send_test(
            subscription=get_object_or_404(Subscription, pk=pk)
        )
        return Response(_queued(delivery), status=status.HTTP_202_ACCEPTED)


class DeliveryLogPagination(pagination.CursorPagination):
    ordering = ("-attempted_at", "-id")


class SubscriptionDeliveryLogView(generics.ListAPIView):
    """Every try to deliver to this receiver, newest first."""

    permission_classes = [_MANAGE]
    pagination_class = DeliveryLogPagination
    serializer_class = DeliveryAttemptSerializer

    def get_queryset(self):
        subscription = get_object_or_404(Subscription, pk=self.kwargs["pk"])
        return selectors.delivery_log(subscription=subscription)


class DeliveryRedeliverView(APIView):
    permission_classes = [_MANAGE]

    @extend_schema(request=None, responses={202: DeliveryQueuedSerializer})
    def post(self, request, delivery_id: str):
        """Send a delivery again, with the same `webhook-id`."""
        try:
            pk = uuid.UUID(delivery_id.removeprefix("msg_"))
        except ValueError:
            raise Http404("No delivery with this id.") from None
        delivery = get_object_or_404(Delivery.objects.select_related("event"), pk=pk)
        return Response(
            _queued(services.delivery_redeliver(delivery=delivery)),
            status=status.HTTP_202_ACCEPTED,
        )


def _queued(delivery: Delivery) -> dict:
    return {
        "delivery": delivery.webhook_id,
        "event": delivery.event.public_id,
        "status": delivery.status,
    }
