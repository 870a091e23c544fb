"""Standard documents for facts and claims: schema.org ClaimReview and W3C Web Annotation."""

from annotations.models import Claim
from verification.models import RATING_VALUES, Fact, Verdict


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def claim_review(fact: Fact, *, url: str, organization: str) -> dict:
    """schema.org ClaimReview; an `unverifiable` verdict carries no rating value."""
    claim, review = fact.claim, fact.review
    verdict = Verdict(review.verdict)
    rating = {
        "@type": "Rating",
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": verdict.label,
    }
    if RATING_VALUES[verdict] is not None:
        rating["ratingValue"] = RATING_VALUES[verdict]
    appearance = {"@type": "CreativeWork", "headline": claim.article.title}
    if claim.article.url:
        # Only the article's own address: our API's article URL is not public.
        appearance["url"] = claim.article.url
    item = {"@type": "Claim", "appearance": appearance}
    if claim.speaker:
        item["author"] = {"@type": "Person", "name": claim.speaker}
    if claim.article.published_at:
        item["datePublished"] = claim.article.published_at.date().isoformat()
    document = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": claim.text,
        "reviewRating": rating,
        "itemReviewed": item,
        "author": {"@type": "Organization", "name": organization},
        "datePublished": fact.published_at.date().isoformat(),
        "reviewBody": review.rationale,
    }
    if fact.retracted_at:
        document["correction"] = fact.retraction_reason
    return document


def web_annotation(claim: Claim, *, url: str, article_url: str, fact: Fact | None = None) -> dict:
    """A W3C Web Annotation targeting the claim's words in its article.

    A published fact is an `assessing` annotation whose body is the verdict and rationale; a
    claim not yet published is a `highlighting` annotation whose body is the claim's wording.
    """
    target = {
        "type": "SpecificResource",
        "source": claim.article.url or article_url,
        "selector": claim.selectors(),
    }
    if fact is not None:
        verdict = Verdict(fact.review.verdict)
        body = [
            {
                "type": "TextualBody",
                "purpose": "assessing",
                "value": f"{verdict.label}: {fact.review.rationale}",
                "format": "text/plain",
                "language": "en",
            },
            {"type": "TextualBody", "purpose": "tagging", "value": verdict.value},
        ]
        motivation, created, modified = "assessing", fact.published_at, fact.updated_at
    else:
        body = [
            {
                "type": "TextualBody",
                "purpose": "describing",
                "value": claim.text,
                "format": "text/plain",
            }
        ]
        motivation, created, modified = "highlighting", claim.created_at, claim.updated_at
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": url,
        "type": "Annotation",
        "motivation": motivation,
        "created": _iso(created),
        "modified": _iso(modified),
        "body": body,
        "target": target,
    }
