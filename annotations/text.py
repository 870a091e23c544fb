"""Short forms of claims, titles and sources for messages and lists, cut between words."""

import re
import textwrap

from django.utils.formats import number_format
from django.utils.translation import pgettext

ELLIPSIS = "…"


def context_before(text: str, limit: int) -> str:
    """The end of ``text``, at most ``limit`` characters, cut between words with a leading "…".

    Line breaks are kept (the text before a selection is shown as the article has it). A last
    word longer than the limit is cut inside it rather than dropped.
    """
    if len(text) <= limit:
        return text
    kept = text[-limit:]
    if not text[-limit - 1].isspace():
        kept = re.sub(r"^\S*", "", kept) or kept
    return ELLIPSIS + kept.lstrip()


def context_after(text: str, limit: int) -> str:
    """The start of ``text``, at most ``limit`` characters, cut between words with "…" after."""
    if len(text) <= limit:
        return text
    kept = text[:limit]
    if not text[limit].isspace():
        kept = re.sub(r"\S*$", "", kept) or kept
    # "euros,…" reads as a typo, as in `shorten`.
    return kept.rstrip().rstrip(",;:") + ELLIPSIS


def percent(fraction: float) -> str:
    """Say a score between 0 and 1 as people read it on the desk's pages: 0.9113 is "91%".

    In the reader's language: French and German put a space before the sign, Arabic uses ٪.
    """
    value = number_format(round(fraction * 100))
    return pgettext("a percentage, as in 91%", "%(value)s%%") % {"value": value}


def shorten(text: str, limit: int = 80) -> str:
    """Put ``text`` on one line and, if it is longer than ``limit``, cut it between words with "…".

    A first word longer than the limit (a web address) is cut inside it rather than dropped.
    """
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    short = textwrap.shorten(flat, width=limit, placeholder=ELLIPSIS)
    if short == ELLIPSIS:
        return flat[: limit - 1] + ELLIPSIS
    # "euros,…" reads as a typo; the ellipsis alone says the sentence goes on.
    return short[: -len(ELLIPSIS)].rstrip(",;:") + ELLIPSIS
