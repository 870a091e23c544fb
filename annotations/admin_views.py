"""The annotated-article panel of the article admin page: highlighted text, legend, claim data.

The text is rendered on the server with every piece escaped, so article text can never become
markup, and the element holding it contains nothing but the article's text: its ``textContent``
is exactly ``article.text``, which is what lets the browser count selection offsets in it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from annotations import selectors
from annotations.models import AnchorState, Article, Claim, ClaimKind, ClaimStatus

MAX_DEPTH_CLASS = 4
"""Overlap depth beyond which segments look the same (the popover still lists every claim)."""


@dataclass(frozen=True, slots=True)
class _Span:
    pk: int
    start: int
    end: int
    status: str
    fuzzy: bool


def highlighted_text(text: str, claims: list[Claim]) -> SafeString:
    """Return ``text`` as escaped HTML with one ``<mark>`` per run of text under the same claims.

    Overlapping and nested claims split the text into runs; each run lists every claim covering
    it (innermost first) in ``data-claims`` and takes its colour from the innermost claim, so a
    claim nested in another stays visible. One sweep over the sorted boundaries: the cost grows
    with the text length plus, per run, the number of claims covering it.
    """
    spans = [
        _Span(c.pk, c.position_start, c.position_end, c.status, c.anchor_state == AnchorState.FUZZY)
        for c in claims
        if c.position_start is not None and c.position_end is not None
    ]
    opening: dict[int, list[_Span]] = defaultdict(list)
    closing: dict[int, list[_Span]] = defaultdict(list)
    for span in spans:
        opening[span.start].append(span)
        closing[span.end].append(span)
    boundaries = sorted({0, len(text), *opening, *closing})
    active: dict[int, _Span] = {}
    parts: list[str] = []
    for start, end in zip(boundaries, boundaries[1:], strict=False):
        for span in closing.get(start, ()):
            active.pop(span.pk, None)
        for span in opening.get(start, ()):
            active[span.pk] = span
        piece = escape(text[start:end])
        if not active:
            parts.append(piece)
            continue
        covering = sorted(active.values(), key=lambda s: (s.end - s.start, s.pk))
        inner = covering[0]
        classes = f"fd-mark fd-status-{inner.status}"
        if any(s.fuzzy for s in covering):
            classes += " fd-fuzzy"
        if start in opening:
            classes += " fd-begins"
        parts.append(
            f'<mark class="{classes}" data-claims="{" ".join(str(s.pk) for s in covering)}" '
            f'data-depth="{min(len(covering), MAX_DEPTH_CLASS)}">{piece}</mark>'
        )
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped above


def article_annotation_context(*, article: Article, user) -> dict:
    """Everything the annotated-article panel needs, from one query over the article's claims."""
    claims = list(selectors.claim_list_for_article(article_id=article.pk))
    change_base = reverse("admin:annotations_claim_changelist")
    statuses = dict(ClaimStatus.choices)
    kinds = dict(ClaimKind.choices)
    anchors = dict(AnchorState.choices)
    data = {
        str(c.pk): {
            "text": c.text,
            "speaker": c.speaker,
            "status": c.status,
            "statusLabel": statuses.get(c.status, c.status),
            "kind": kinds.get(c.kind, c.kind),
            "anchor": anchors.get(c.anchor_state, c.anchor_state),
            "url": f"{change_base}{c.pk}/change/",
        }
        for c in claims
    }
    for claim in claims:
        claim.admin_url = data[str(claim.pk)]["url"]
    return {
        "text_html": highlighted_text(article.text, claims),
        "claims": data,
        "claim_count": len(claims),
        "orphaned": [c for c in claims if c.anchor_state == AnchorState.ORPHANED],
        "fuzzy": [c for c in claims if c.anchor_state == AnchorState.FUZZY],
        "statuses": ClaimStatus.choices,
        "can_add_claim": user.has_perm("annotations.add_claim"),
        "claim_add_url": reverse("admin:annotations_claim_add"),
    }
