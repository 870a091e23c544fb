"""Template filters for text the desk shows in lists and pages."""

from django import template
from django.template.defaultfilters import stringfilter

from annotations import text

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    """A score between 0 and 1 as a percentage, as `annotations.text.percent`; nothing if None."""
    return "" if value is None else text.percent(value)


@register.filter
@stringfilter
def shorten(value: str, limit: int = 80) -> str:
    """Cut text between words with "…", as `annotations.text.shorten` (truncatechars cuts words)."""
    return text.shorten(value, int(limit))
