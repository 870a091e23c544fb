"""Reads shared by admin, API and tasks: querysets shaped once."""

from django.db.models import Count, QuerySet

from annotations.models import Article, Claim


def article_list() -> QuerySet[Article]:
    return Article.objects.annotate(claim_count=Count("claims")).defer("text")


def claim_list() -> QuerySet[Claim]:
    return Claim.objects.select_related("article", "created_by").prefetch_related("tags")
