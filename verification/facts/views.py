"""The facts API: list, detail, JSON-LD documents, export, publish and retract.

Matching (`facts/match/`) is the library's: it ranks desk facts and earlier fact-checks together
(verification/library/api.py).
"""

from django.conf import settings
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, negotiation, pagination, permissions, renderers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.core.api import CONFLICT, has_perm
from annotations.models import Claim
from verification import selectors
from verification.facts import export, jsonld
from verification.facts.renderers import (
    JSONLDContentNegotiation,
    JSONLDRenderer,
    WebAnnotationRenderer,
)
from verification.facts.serializers import (
    FactFilterSerializer,
    FactSerializer,
    RetractSerializer,
    fact_dicts,
)
from verification.facts.services import fact_publish, fact_retract
from verification.models import Fact


class PublicReadPermission(permissions.BasePermission):
    """Anyone may read verified facts unless FACTDESK_PUBLIC_API is off."""

    message = "Sign in to read facts: this desk does not publish them anonymously."

    def has_permission(self, request, view) -> bool:
        return settings.FACTDESK_PUBLIC_API or bool(request.user and request.user.is_authenticated)


class FactCursorPagination(pagination.CursorPagination):
    ordering = ("-published_at", "-id")
    page_size_query_param = "page_size"
    max_page_size = 200


def facts_json(rows: list[dict], request) -> list[dict]:
    """The API's JSON for fact rows: their tags and evidence in two more queries."""
    tags, evidence = selectors.fact_rows_extras(rows)
    base_url = request.build_absolute_uri(reverse("fact-list"))
    return fact_dicts(rows, tags=tags, evidence=evidence, base_url=base_url)


def fact_json_or_404(pk: int, request) -> dict:
    rows = list(selectors.fact_rows().filter(pk=pk))
    if not rows:
        raise Http404("No published fact with this id.")
    return facts_json(rows, request)[0]


class FactListView(generics.ListAPIView):
    serializer_class = FactSerializer
    permission_classes = [PublicReadPermission]
    pagination_class = FactCursorPagination

    def get_queryset(self):
        filters = FactFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.fact_rows(filters.validated_data)

    @extend_schema(parameters=[FactFilterSerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(facts_json(page, request))


class FactDetailView(APIView):
    permission_classes = [PublicReadPermission]

    @extend_schema(responses=FactSerializer)
    def get(self, request, pk: int):
        return Response(fact_json_or_404(pk, request))


class FactClaimReviewView(APIView):
    """The fact as schema.org ClaimReview JSON-LD; a retracted fact is rated `Retracted`."""

    permission_classes = [PublicReadPermission]
    renderer_classes = [JSONLDRenderer, renderers.BrowsableAPIRenderer]
    content_negotiation_class = JSONLDContentNegotiation

    @extend_schema(
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, "schema.org ClaimReview JSON-LD")}
    )
    def get(self, request, pk: int):
        fact = get_object_or_404(selectors.fact_list(), pk=pk)
        document = jsonld.claim_review(
            fact,
            url=request.build_absolute_uri(reverse("fact-detail", args=[pk])),
            organization=settings.FACTDESK_ORGANIZATION_NAME,
        )
        return Response(document)


class _WebAnnotationView(APIView):
    """Serves a W3C Web Annotation as the Web Annotation Protocol says (section 4.1)."""

    renderer_classes = [WebAnnotationRenderer, renderers.BrowsableAPIRenderer]
    content_negotiation_class = JSONLDContentNegotiation
    # Allow, Vary: Accept and the ETag come from DRF and ConditionalGetMiddleware.
    ANNOTATION_LINK = '<http://www.w3.org/ns/ldp#Resource>; rel="type"'

    def annotation_response(self, document: dict) -> Response:
        return Response(document, headers={"Link": self.ANNOTATION_LINK})


class FactAnnotationView(_WebAnnotationView):
    """The fact as a W3C Web Annotation (JSON-LD, annotation profile) on the article's words."""

    permission_classes = [PublicReadPermission]

    @extend_schema(
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, "W3C Web Annotation JSON-LD")}
    )
    def get(self, request, pk: int):
        fact = get_object_or_404(selectors.fact_for_annotation(), pk=pk)
        document = jsonld.web_annotation(
            fact.claim,
            fact=fact,
            url=request.build_absolute_uri(reverse("fact-annotation", args=[pk])),
            # The annotation is public and the article API is not: name the article instead.
            article_url=jsonld.article_urn(
                fact.claim.article_id, organization=settings.FACTDESK_ORGANIZATION_NAME
            ),
        )
        return self.annotation_response(document)


class ClaimAnnotationView(_WebAnnotationView):
    """The claim, with its verdict once published, as a W3C Web Annotation."""

    permission_classes = [has_perm("annotations.view_claim")]

    @extend_schema(
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, "W3C Web Annotation JSON-LD")}
    )
    def get(self, request, pk: int):
        claim = get_object_or_404(Claim.objects.select_related("article"), pk=pk)
        fact = Fact.objects.select_related("review").filter(claim=claim).first()
        document = jsonld.web_annotation(
            claim,
            fact=fact,
            url=request.build_absolute_uri(reverse("claim-annotation", args=[pk])),
            # Whoever may read this annotation may read the article in the API too.
            article_url=request.build_absolute_uri(
                reverse("article-detail", args=[claim.article_id])
            ),
        )
        return self.annotation_response(document)


class ClaimPublishView(APIView):
    permission_classes = [has_perm("verification.add_fact")]

    @extend_schema(request=None, responses={201: FactSerializer, 409: CONFLICT})
    def post(self, request, pk: int):
        claim = get_object_or_404(Claim, pk=pk)
        fact = fact_publish(claim=claim, publisher=request.user)
        return Response(fact_json_or_404(fact.pk, request), status=status.HTTP_201_CREATED)


class FactRetractView(APIView):
    permission_classes = [has_perm("verification.change_fact")]

    @extend_schema(request=RetractSerializer, responses={200: FactSerializer, 409: CONFLICT})
    def post(self, request, pk: int):
        fact = get_object_or_404(Fact.objects.select_related("claim"), pk=pk)
        data = RetractSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fact_retract(fact=fact, user=request.user, reason=data.validated_data["reason"])
        return Response(fact_json_or_404(pk, request))


class _StreamRenderer(renderers.BaseRenderer):
    """Names the media type of a streamed export (the stream is written by the view itself)."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class JSONLinesRenderer(_StreamRenderer):
    media_type, format, charset = "application/x-ndjson", "jsonl", "utf-8"


class CSVRenderer(_StreamRenderer):
    media_type, format, charset = "text/csv", "csv", "utf-8"


class _AnyAccept(negotiation.BaseContentNegotiation):
    """An export is one format whatever the client's Accept header says."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class _FactExportView(APIView):
    permission_classes = [PublicReadPermission]
    content_negotiation_class = _AnyAccept
    rows = staticmethod(export.facts_jsonl)
    extension = "jsonl"

    @extend_schema(responses={200: OpenApiResponse(OpenApiTypes.STR, "one fact a row")})
    def get(self, request):
        response = StreamingHttpResponse(
            self.rows(), content_type=f"{self.renderer_classes[0].media_type}; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="factdesk-facts.{self.extension}"'
        return response


class FactExportJSONLinesView(_FactExportView):
    """All published and retracted facts as JSON Lines, streamed in constant memory."""

    renderer_classes = [JSONLinesRenderer]


class FactExportCSVView(_FactExportView):
    """All published and retracted facts as CSV, streamed in constant memory."""

    renderer_classes = [CSVRenderer]
    rows = staticmethod(export.facts_csv)
    extension = "csv"
