"""Shared API plumbing: role permissions for views, and errors a developer can act on."""

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiResponse
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler

from annotations.core.errors import TransitionError
from annotations.core.roles import role_refusal_lazy


def has_perm(*codes: str) -> type[permissions.BasePermission]:
    """A permission class requiring an authenticated user holding every one of `codes`."""

    class HasPerm(permissions.BasePermission):
        # Names the roles that may, not the permission: API users know their role (a group).
        message = role_refusal_lazy(codes)

        def has_permission(self, request, view) -> bool:
            user = request.user
            return bool(user and user.is_authenticated and user.has_perms(codes))

    HasPerm.__name__ = "HasPerm_" + "_".join(c.replace(".", "_") for c in codes)
    return HasPerm


class ErrorSerializer(serializers.Serializer):
    """The body of a 403, 404, 409 or 413: one sentence saying what went wrong and what to do."""

    detail = serializers.CharField()


CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="The claim's state forbids this step now (or another person holds or changed "
    "it); `detail` says why and what to do.",
)
"""The 409 of every command a TransitionError can refuse, for `extend_schema(responses=...)`."""


def api_exception_handler(exc, context):
    """Turn service errors into JSON: 400 for bad input, 403 for roles, 409 for state conflicts."""
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
        return Response(
            {
                "detail": gettext(
                    "The request body is over the limit of %(limit)s MB "
                    "(FACTDESK_MAX_UPLOAD_BYTES)."
                )
                % {"limit": f"{limit:.0f}"}
            },
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = ValidationError(detail=detail)
    elif isinstance(exc, DjangoPermissionDenied):
        return Response(
            {"detail": str(exc) or gettext("Not allowed.")}, status=status.HTTP_403_FORBIDDEN
        )
    elif isinstance(exc, TransitionError):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    return exception_handler(exc, context)
