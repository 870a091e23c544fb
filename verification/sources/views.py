"""The sources API: a claim's sources, retrying a failed one, snapshots, article import."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.core.api import CONFLICT, has_perm
from annotations.models import Claim, Source
from annotations.serializers import (
    ArticleSerializer,
    SourceCreateSerializer,
    SourceSerializer,
)
from verification.models import SourceSnapshot
from verification.sources.article_import import article_import_url
from verification.sources.serializers import ArticleImportSerializer, SnapshotSerializer
from verification.sources.services import source_add, source_retry


class ClaimSourceListView(APIView):
    def get_permissions(self):
        if self.request.method == "POST":
            return [has_perm("annotations.add_source")()]
        return [has_perm("annotations.view_source")()]

    @extend_schema(responses=SourceSerializer(many=True))
    def get(self, request, pk: int):
        claim = get_object_or_404(Claim, pk=pk)
        return Response(SourceSerializer(claim.sources.order_by("id"), many=True).data)

    @extend_schema(request=SourceCreateSerializer, responses={201: SourceSerializer, 409: CONFLICT})
    def post(self, request, pk: int):
        """Attach a URL, pasted text or a file; it is fetched and archived in the background."""
        claim = get_object_or_404(Claim, pk=pk)
        data = SourceCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        source = source_add(
            claim=claim,
            user=request.user,
            url=fields.get("url", ""),
            text=fields.get("text", ""),
            title=fields.get("title", ""),
            uploaded=fields.get("file"),
        )
        return Response(SourceSerializer(source).data, status=status.HTTP_201_CREATED)


class SourceRetryView(APIView):
    permission_classes = [has_perm("annotations.change_source")]

    @extend_schema(request=None, responses={202: SourceSerializer})
    def post(self, request, pk: int):
        source = get_object_or_404(Source, pk=pk)
        source_retry(source=source, user=request.user)
        source.refresh_from_db()
        return Response(SourceSerializer(source).data, status=status.HTTP_202_ACCEPTED)


class SnapshotDetailView(generics.RetrieveAPIView):
    """An archived snapshot: extracted text and fetch metadata (the raw bytes stay server-side)."""

    serializer_class = SnapshotSerializer
    permission_classes = [has_perm("verification.view_sourcesnapshot")]
    queryset = SourceSnapshot.objects.all()


class ArticleImportView(APIView):
    """Create an article from a URL, fetched with the production safety rules."""

    permission_classes = [has_perm("annotations.add_article")]

    @extend_schema(request=ArticleImportSerializer, responses={201: ArticleSerializer})
    def post(self, request):
        data = ArticleImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        article = article_import_url(user=request.user, **data.validated_data)
        return Response(ArticleSerializer(article).data, status=status.HTTP_201_CREATED)
