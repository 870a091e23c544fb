"""The annotated-article panel of the article admin page: highlighted text, legend, claim data.

The text is rendered on the server with every piece escaped, so article text can never become
markup, and the element holding it contains nothing but the article's text: its ``textContent``
is exactly ``article.text``, which is what lets the browser count selection offsets in it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.safestring import SafeString

from annotations import selectors
from annotations.highlight import highlighted
from annotations.models import AnchorState, Article, ClaimKind, ClaimStatus

MAX_DEPTH_CLASS = 4
"""Overlap depth beyond which runs look the same (the popover still lists every claim)."""


@dataclass(frozen=True, slots=True)
class ClaimSpan:
    """Where one claim sits in the text, and what colours its highlight."""

    pk: int
    start: int
    end: int
    status: str
    fuzzy: bool = False


def highlighted_text(text: str, spans: Iterable[ClaimSpan]) -> SafeString:
    """Return ``text`` as escaped HTML with one ``<mark>`` per run of text under the same claims.

    Each run lists every claim covering it (innermost first) in ``data-claims`` and takes its
    colour from the innermost claim, so a claim nested in another stays visible.
    """
    spans = list(spans)

    def mark(piece: str, indices: list[int], begins: bool) -> str:
        covering = sorted((spans[i] for i in indices), key=lambda s: (s.end - s.start, s.pk))
        classes = f"fd-mark fd-status-{covering[0].status}"
        if any(s.fuzzy for s in covering):
            classes += " fd-fuzzy"
        if begins:
            classes += " fd-begins"
        return (
            f'<mark class="{classes}" data-claims="{" ".join(str(s.pk) for s in covering)}" '
            f'data-depth="{min(len(covering), MAX_DEPTH_CLASS)}">{piece}</mark>'
        )

    return highlighted(text, spans, mark)


def article_annotation_context(*, article: Article, user) -> dict:
    """Everything the annotated-article panel needs, from one query over the article's claims."""
    rows = list(selectors.claim_marks_for_article(article_id=article.pk))
    change_base = reverse("admin:annotations_claim_changelist")
    statuses = dict(ClaimStatus.choices)
    kinds = dict(ClaimKind.choices)
    anchors = dict(AnchorState.choices)
    for row in rows:
        row["url"] = f"{change_base}{row['id']}/change/"
        row["status_label"] = statuses.get(row["status"], row["status"])
    spans = [
        ClaimSpan(
            row["id"],
            row["position_start"],
            row["position_end"],
            row["status"],
            row["anchor_state"] == AnchorState.FUZZY,
        )
        for row in rows
        if row["position_start"] is not None
    ]
    popover_data = {
        str(row["id"]): {
            "text": row["text"],
            "speaker": row["speaker"],
            "status": row["status"],
            "statusLabel": row["status_label"],
            "kind": kinds.get(row["kind"], row["kind"]),
            "anchor": anchors.get(row["anchor_state"], row["anchor_state"]),
            "url": row["url"],
        }
        for row in rows
    }
    return {
        "text_html": highlighted_text(article.text, spans),
        "language": article.language,
        "claims": popover_data,
        "claim_count": len(rows),
        "orphaned": [row for row in rows if row["anchor_state"] == AnchorState.ORPHANED],
        "fuzzy": [row for row in rows if row["anchor_state"] == AnchorState.FUZZY],
        "statuses": ClaimStatus.choices,
        "can_add_claim": user.has_perm("annotations.add_claim"),
        "claim_add_url": reverse("admin:annotations_claim_add"),
        "claim_list_url": f"{change_base}?article__id__exact={article.pk}",
    }
