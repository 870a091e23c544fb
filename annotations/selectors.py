"""Reads shared by admin, API and tasks: querysets shaped once."""

from django.db.models import Count, QuerySet

from annotations.models import Article, Claim, ClaimStatus


def article_list() -> QuerySet[Article]:
    return Article.objects.annotate(claim_count=Count("claims")).defer("text")


def claim_list() -> QuerySet[Claim]:
    return Claim.objects.select_related("article", "created_by").prefetch_related("tags")


def claim_on_span(*, article_id: int, start: int, end: int) -> Claim | None:
    """The live claim already marked on exactly these words of the article, if there is one.

    A retracted claim does not count: its words may be marked again to be checked anew.
    """
    return (
        Claim.objects.filter(article_id=article_id, position_start=start, position_end=end)
        .exclude(status=ClaimStatus.RETRACTED)
        .order_by("id")
        .first()
    )


CLAIM_MARK_FIELDS = (
    "id",
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


def claim_marks_for_article(*, article_id: int) -> QuerySet:
    """The claims of one article as dicts of ``CLAIM_MARK_FIELDS``, in text order.

    Plain values, not model instances: the annotated-text page shows thousands of claims and
    building a model instance per row cost more than the rest of the page.
    """
    return (
        Claim.objects.filter(article_id=article_id)
        .order_by("position_start", "-position_end", "id")
        .values(*CLAIM_MARK_FIELDS)
    )
