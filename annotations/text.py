"""Short forms of claims, titles and sources for messages and lists, cut between words."""

import textwrap

ELLIPSIS = "…"


def percent(fraction: float) -> str:
    """Say a score between 0 and 1 as people read it on the desk's pages: 0.9113 is "91%"."""
    return f"{fraction:.0%}"


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
