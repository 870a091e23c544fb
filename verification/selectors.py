"""Reads shared by views, admin and tasks: querysets already shaped (no per-row queries)."""

from django.db.models import QuerySet

from verification.models import Fact


def fact_list() -> QuerySet[Fact]:
    """Published and retracted facts with everything a fact's JSON needs, in one query."""
    return Fact.objects.select_related("claim__article", "review").order_by("-published_at", "-id")
