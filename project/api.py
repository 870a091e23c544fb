"""Shared API plumbing: role permissions, errors a developer can act on, the API root."""

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView, exception_handler

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


# --- Paths ----------------------------------------------------------------------------------


def api_not_found_middleware(get_response):
    """Answer a path under /api/ that matches no endpoint with a JSON 404, not an HTML page.

    DRF's own 404s (an unknown id) are already JSON and pass through; this catches the ones
    Django raises before any view runs, in DEBUG too (where handler404 is never used).
    """

    def middleware(request):
        response = get_response(request)
        if (
            response.status_code == 404
            and request.path_info.startswith("/api/")
            and not isinstance(response, Response)
        ):
            return JsonResponse(
                {
                    "detail": f"No API endpoint at {request.path_info}; "
                    f"the endpoints are listed at {reverse('api-root')}."
                },
                status=status.HTTP_404_NOT_FOUND,
            )
        return response

    return middleware


class ApiRootView(APIView):
    """The API's entry point: where each collection and command lives."""

    permission_classes = [permissions.AllowAny]
    _ENDPOINTS = {
        "facts": "fact-list",
        "facts_match": "fact-match",
        "facts_export_jsonl": "fact-export-jsonl",
        "facts_export_csv": "fact-export-csv",
        "articles": "article-list",
        "articles_import": "article-import",
        "claims": "claim-list",
        "queue": "queue",
        "queue_next": "queue-next",
        "schema": "schema",
        "docs": "api-docs",
    }

    @extend_schema(exclude=True)
    def get(self, request):
        return Response(
            {
                name: request.build_absolute_uri(reverse(url_name))
                for name, url_name in self._ENDPOINTS.items()
            }
        )
