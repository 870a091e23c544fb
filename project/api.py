"""Shared API plumbing: role permissions, errors a developer can act on, JSON-LD, the root."""

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.urls import reverse
from django.utils.http import parse_header_parameters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import negotiation, permissions, renderers, serializers, status
from rest_framework.exceptions import NotAcceptable, ValidationError
from rest_framework.response import Response
from rest_framework.utils.mediatypes import media_type_matches, order_by_precedence
from rest_framework.views import APIView, exception_handler

from annotations.services import TransitionError
from verification.roles import role_refusal


def has_perm(*codes: str) -> type[permissions.BasePermission]:
    """A permission class requiring an authenticated user holding every one of `codes`."""

    class HasPerm(permissions.BasePermission):
        # Names the roles that may, not the permission: API users know their role (a group).
        message = role_refusal(codes)

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


# --- JSON-LD --------------------------------------------------------------------------------


class JSONLDRenderer(renderers.JSONRenderer):
    """JSON-LD: JSON labelled with its own media type (and the profile the document follows).

    Its usual home is a `<script type="application/ld+json">` element, where a rationale holding
    `</script>` would end the script and the rest would be read as HTML. `<`, `>` and `&` are
    written as \u003c, \u003e and \u0026: the same JSON to any parser, inert in HTML. Outside
    strings JSON has none of the three, so replacing them in the output is safe.
    """

    media_type = "application/ld+json"
    format = "jsonld"
    _HTML_SAFE = ((b"<", b"\\u003c"), (b">", b"\\u003e"), (b"&", b"\\u0026"))

    def render(self, data, accepted_media_type=None, renderer_context=None):
        body = super().render(data, accepted_media_type, renderer_context)
        for raw, escaped in self._HTML_SAFE:
            body = body.replace(raw, escaped)
        return body


class WebAnnotationRenderer(JSONLDRenderer):
    """The W3C Web Annotation Protocol's media type: JSON-LD with the annotation profile."""

    media_type = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'


class JSONLDContentNegotiation(negotiation.DefaultContentNegotiation):
    """The view's JSON-LD to every client that takes JSON; the browsable API to browsers.

    DRF matches Accept entries against the renderer's exact media type, parameters included, so
    `application/json`, or `application/ld+json` without the annotation profile, would be a 406.
    Here any JSON or JSON-LD entry (and `*/*`) selects the JSON-LD renderer, which always labels
    the response with its own media type; other entries (text/html) are matched as DRF does.
    """

    _JSON_TYPES = frozenset({"application/json", "application/ld+json", "application/*", "*/*"})

    def select_renderer(self, request, renderers, format_suffix=None):
        format_ = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        if format_:
            # `?format=json` asks for JSON, which the JSON-LD renderer writes.
            wanted = "jsonld" if format_ == "json" else format_
            renderers = self.filter_renderers(renderers, wanted)
        for accepted_set in order_by_precedence(self.get_accept_list(request)):
            for renderer in renderers:
                if any(self._serves(renderer, accepted) for accepted in accepted_set):
                    return renderer, renderer.media_type
        raise NotAcceptable(available_renderers=renderers)

    def _serves(self, renderer, accepted: str) -> bool:
        if isinstance(renderer, JSONLDRenderer):
            try:
                media_type, _ = parse_header_parameters(accepted)
            except ValueError:
                return False
            return media_type.lower() in self._JSON_TYPES
        return media_type_matches(renderer.media_type, accepted)


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
        "webhooks": "webhook-list",
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
