from django.conf import settings
from rest_framework import generics, pagination, permissions

from verification import selectors
from verification.serializers import FactSerializer


class PublicReadPermission(permissions.BasePermission):
    """Anyone may read verified facts unless FACTDESK_PUBLIC_API is off."""

    def has_permission(self, request, view) -> bool:
        return settings.FACTDESK_PUBLIC_API or bool(request.user and request.user.is_authenticated)


class FactCursorPagination(pagination.CursorPagination):
    ordering = ("-published_at", "-id")


class FactListView(generics.ListAPIView):
    serializer_class = FactSerializer
    permission_classes = [PublicReadPermission]
    pagination_class = FactCursorPagination

    def get_queryset(self):
        return selectors.fact_list()


class FactDetailView(generics.RetrieveAPIView):
    serializer_class = FactSerializer
    permission_classes = [PublicReadPermission]

    def get_queryset(self):
        return selectors.fact_list()
