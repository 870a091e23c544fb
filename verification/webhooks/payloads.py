"""What an event says: the objects as the public API shows them, and the Slack message for it.

The `data` of every event is built from the API's own serializers, so a receiver sees the same
fields (and no internal ones) it would read from `/api/v1/`.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse


def site_url(path: str) -> str:
    return settings.FACTDESK_SITE_URL.rstrip("/") + path


class SiteRequest:
    """Stands in for a request where API helpers build absolute links (no request in a task)."""

    def build_absolute_uri(self, path: str) -> str:
        return site_url(path)


def claim_data(claim) -> dict:
    from annotations.serializers import ClaimSerializer

    return dict(ClaimSerializer(claim).data)


def check_run_data(run) -> dict:
    """The run as `claims/{id}/checks/` shows it, without the evidence and findings lists."""
    from verification.checks.serializers import CheckRunSerializer

    class CheckRunEventSerializer(CheckRunSerializer):
        class Meta(CheckRunSerializer.Meta):
            fields = tuple(
                f for f in CheckRunSerializer.Meta.fields if f not in ("evidence", "findings")
            )

    return {**CheckRunEventSerializer(run).data, "claim": run.claim_id}


def review_data(review) -> dict:
    from verification.review.serializers import ReviewSerializer

    return dict(ReviewSerializer(review).data)


def fact_data(fact_id: int) -> dict | None:
    from verification import selectors
    from verification.facts.serializers import fact_dicts

    rows = list(selectors.fact_rows().filter(pk=fact_id))
    if not rows:
        return None
    tags, evidence = selectors.fact_rows_extras(rows)
    return fact_dicts(rows, tags=tags, evidence=evidence, base_url=site_url(reverse("fact-list")))[
        0
    ]


def source_data(source) -> dict:
    from annotations.serializers import SourceSerializer

    return dict(SourceSerializer(source).data)


def claim_link(claim_id) -> str:
    return site_url(reverse("admin:annotations_claim_change", args=[claim_id]))


def _slack_escape(text: str) -> str:
    # Slack reads &, < and > as markup; everything else in a mrkdwn text is shown as written.
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _quote(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    if len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0] + "…"
    return f"“{_slack_escape(text)}”"


_HEADLINES = {
    "claim.submitted": "Claim submitted for checking",
    "claim.needs_review": "Claim needs review",
    "check.finished": "Machine check finished",
    "review.recorded": "Verdict recorded",
    "fact.published": "Fact published",
    "fact.retracted": "Fact retracted",
    "source.changed": "A source of a published fact changed",
    "factcheck.matched": "Checked before: a submitted claim matches earlier fact-checks",
    "webhook.test": "Test event from Factdesk",
}


def slack_message(envelope: dict) -> dict:
    """A Slack incoming-webhook message for an event: the claim, the verdict and a link."""
    kind = envelope["type"]
    data = envelope.get("data") or {}
    lines = [f"*{_HEADLINES.get(kind, kind)}*"]
    fact = data.get("fact")
    claim = data.get("claim")
    link = None
    if fact:
        lines.append(_quote(fact["claim"]))
        verdict = fact["verdict"].replace("_", " ")
        lines.append(f"Verdict: *{verdict}*")
        if fact.get("retraction_reason"):
            lines.append(f"Retracted: {_slack_escape(fact['retraction_reason'])}")
        link = fact["links"]["self"]
    elif isinstance(claim, dict):
        lines.append(_quote(claim.get("text", "")))
        link = claim_link(claim["id"])
    review = data.get("review")
    if review:
        lines.append(f"Verdict: *{review['verdict'].replace('_', ' ')}*")
    check = data.get("check")
    if check and check.get("stance"):
        confidence = check.get("confidence")
        shown = f" ({confidence:.0%} confident)" if confidence is not None else ""
        lines.append(f"Machine stance: *{check['stance'].replace('_', ' ')}*{shown}")
    source = data.get("source")
    if source:
        lines.append(f"Source: {_slack_escape(source.get('url') or source.get('title') or '')}")
    for match in (data.get("matches") or [])[:3]:
        checked = f"{_slack_escape(match['publisher'])}: *{_slack_escape(match['verdict'])}*"
        lines.append(f"Checked before by {checked} <{match['url']}|{_quote(match['claim'], 120)}>")
    if data.get("message"):
        lines.append(_slack_escape(data["message"]))
    if link:
        lines.append(f"<{link}|Open in Factdesk>")
    return {"text": "\n".join(lines)}
