"""API wiring: the root that lists the endpoints, and JSON 404s for unknown API paths."""

from django.http import JsonResponse
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView


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
