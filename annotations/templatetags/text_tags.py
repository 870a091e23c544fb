"""Template filters for text the desk shows in lists and pages."""

from django import template
from django.template.defaultfilters import stringfilter

from annotations import text

register = template.Library()


@register.filter
@stringfilter
def shorten(value: str, limit: int = 80) -> str:
    """Cut text between words with "…", as `annotations.text.shorten` (truncatechars cuts words)."""
    return text.shorten(value, int(limit))
