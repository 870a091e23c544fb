"""Shared API plumbing: role permissions and errors a developer can act on."""

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import permissions, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler

from annotations.services import TransitionError


def has_perm(*codes: str) -> type[permissions.BasePermission]:
    """A permission class requiring an authenticated user holding every one of `codes`."""

    class HasPerm(permissions.BasePermission):
        message = f"Your role does not allow this ({', '.join(codes)} required)."

        def has_permission(self, request, view) -> bool:
            user = request.user
            return bool(user and user.is_authenticated and user.has_perms(codes))

    HasPerm.__name__ = "HasPerm_" + "_".join(c.replace(".", "_") for c in codes)
    return HasPerm


def api_exception_handler(exc, context):
    """Turn service errors into JSON: 400 for bad input, 403 for roles, 409 for state conflicts."""
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
        return Response(
            {
                "detail": f"The request body is over the limit of {limit:.0f} MB "
                "(FACTDESK_MAX_UPLOAD_BYTES)."
            },
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = ValidationError(detail=detail)
    elif isinstance(exc, DjangoPermissionDenied):
        return Response({"detail": str(exc) or "Not allowed."}, status=status.HTTP_403_FORBIDDEN)
    elif isinstance(exc, TransitionError):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    return exception_handler(exc, context)
