"""Thin API views for articles, claims and sources: parse, authorise, call a service, serialise."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, pagination, status
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations import selectors, services
from annotations.core.api import CONFLICT, has_perm
from annotations.models import Article
from annotations.serializers import (
    ArticleListSerializer,
    ArticleSerializer,
    ArticleUpdateSerializer,
    ClaimCreateSerializer,
    ClaimSerializer,
)

VIEW_ARTICLE = has_perm("annotations.view_article")
VIEW_CLAIM = has_perm("annotations.view_claim")


class NewestFirstPagination(pagination.CursorPagination):
    """Cursor pages over the primary key: unique, indexed and never changing."""

    ordering = "-id"
    page_size_query_param = "page_size"
    max_page_size = 200


class ArticleListView(generics.ListCreateAPIView):
    pagination_class = NewestFirstPagination

    def get_permissions(self):
        code = "annotations.add_article" if self.request.method == "POST" else None
        return [has_perm(code)()] if code else [VIEW_ARTICLE()]

    def get_queryset(self):
        return selectors.article_list().order_by("-created_at", "-id")

    def get_serializer_class(self):
        return ArticleSerializer if self.request.method == "POST" else ArticleListSerializer

    @extend_schema(request=ArticleSerializer, responses={201: ArticleSerializer})
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def create(self, request, *args, **kwargs):
        data = ArticleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        article = services.article_create(user=request.user, **data.validated_data)
        return Response(ArticleSerializer(article).data, status=status.HTTP_201_CREATED)


class ArticleDetailView(APIView):
    def get_permissions(self):
        if self.request.method == "PATCH":
            return [has_perm("annotations.change_article")()]
        return [VIEW_ARTICLE()]

    @extend_schema(responses=ArticleSerializer)
    def get(self, request, pk: int):
        return Response(ArticleSerializer(get_object_or_404(Article, pk=pk)).data)

    @extend_schema(request=ArticleUpdateSerializer, responses=ArticleSerializer)
    def patch(self, request, pk: int):
        article = get_object_or_404(Article, pk=pk)
        data = ArticleUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        text = fields.pop("text", None)
        summary = services.article_update(article=article, user=request.user, text=text, **fields)
        article.refresh_from_db()
        body = ArticleSerializer(article).data
        body["reanchored"] = summary.__dict__ if summary else None
        return Response(body)


class ClaimListView(generics.ListCreateAPIView):
    serializer_class = ClaimSerializer
    pagination_class = NewestFirstPagination

    def get_permissions(self):
        if self.request.method == "POST":
            return [has_perm("annotations.add_claim")()]
        return [VIEW_CLAIM()]

    def get_queryset(self):
        claims = selectors.claim_list().order_by("-created_at", "-id")
        params = self.request.query_params
        if params.get("article"):
            claims = claims.filter(article_id=params["article"])
        if params.get("status"):
            claims = claims.filter(status=params["status"])
        return claims

    @extend_schema(request=ClaimCreateSerializer, responses={201: ClaimSerializer, 409: CONFLICT})
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def create(self, request, *args, **kwargs):
        data = ClaimCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        by_type = {s["type"]: s for s in fields["selector"]}
        quote = by_type.get("TextQuoteSelector", {})
        position = by_type.get("TextPositionSelector", {})
        claim = services.claim_create(
            article=fields["article"],
            user=request.user,
            start=position.get("start"),
            end=position.get("end"),
            exact=quote.get("exact"),
            prefix=quote.get("prefix", ""),
            suffix=quote.get("suffix", ""),
            text=fields.get("text", ""),
            speaker=fields.get("speaker", ""),
            kind=fields["kind"],
            tags=fields.get("tags", []),
        )
        return Response(ClaimSerializer(claim).data, status=status.HTTP_201_CREATED)


class ClaimDetailView(generics.RetrieveAPIView):
    serializer_class = ClaimSerializer
    permission_classes = [VIEW_CLAIM]

    def get_queryset(self):
        return selectors.claim_list()

    @extend_schema(request=None, responses={204: None, 409: CONFLICT})
    def delete(self, request, pk: int):
        """Delete a draft claim: its creator, or a reviewer; a submitted claim is a 409."""
        services.claim_delete(claim=self.get_object(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
