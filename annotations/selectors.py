"""Reads shared by admin, API and tasks: querysets shaped once."""

from django.db.models import Count, QuerySet

from annotations.models import Article, Claim


def article_list() -> QuerySet[Article]:
    return Article.objects.annotate(claim_count=Count("claims")).defer("text")


def claim_list() -> QuerySet[Claim]:
    return Claim.objects.select_related("article", "created_by").prefetch_related("tags")


def claim_list_for_article(*, article_id: int) -> QuerySet[Claim]:
    """The claims of one article with the fields the annotated-text view shows, in text order."""
    return (
        Claim.objects.filter(article_id=article_id)
        .only(
            "id",
            "article_id",
            "text",
            "speaker",
            "kind",
            "status",
            "quote_exact",
            "position_start",
            "position_end",
            "anchor_state",
            "anchor_score",
            "anchor_note",
        )
        .order_by("position_start", "-position_end", "id")
    )
