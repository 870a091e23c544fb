"""Escaped text with a ``<mark>`` per run of text under the same spans: the one highlighter of the
article page (claims), the review page (claim, evidence, findings) and the claim's context.

Every piece of text is escaped here; callers write only the mark's attributes, so text can never
become markup.
"""

from collections import defaultdict
from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import Protocol

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


class Spanned(Protocol):
    start: int
    end: int


def highlighted(
    text: str, spans: Sequence[Spanned], mark: Callable[[str, list[int], bool], str]
) -> SafeString:
    """Return ``text`` escaped, with ``mark(piece, covering, begins)`` for each covered run.

    Overlapping and nested spans split the text into runs; ``covering`` holds the indices into
    ``spans`` of every span covering the run (ascending), ``begins`` whether a span starts
    there, and ``piece`` the run's escaped text. One sweep over the sorted boundaries: the cost
    grows with the text length plus, per run, the number of spans covering it.
    """
    opening: dict[int, list[int]] = defaultdict(list)
    closing: dict[int, list[int]] = defaultdict(list)
    for index, span in enumerate(spans):
        opening[span.start].append(index)
        closing[span.end].append(index)
    boundaries = sorted({0, len(text), *opening, *closing})
    active: set[int] = set()
    parts: list[str] = []
    for start, end in pairwise(boundaries):
        active.difference_update(closing.get(start, ()))
        active.update(opening.get(start, ()))
        piece = escape(text[start:end])
        parts.append(mark(piece, sorted(active), start in opening) if active else piece)
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped above
