"""Standard documents for facts and claims: schema.org ClaimReview and W3C Web Annotation."""

import re
import uuid

from django.conf import settings
from django.utils import translation

from annotations.models import Claim
from verification.models import RATING_VALUES, Fact, Verdict


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def article_urn(article_id: int, *, organization: str) -> str:
    """A stable name for an article that has no public address of its own.

    A W3C target's `source` must be exactly one IRI, which need not be dereferenceable; a name
    that is plainly not a link beats an address that answers anonymous readers with 401. It
    depends on the desk and the article only, not on the host name a request came through.
    """
    return uuid.uuid5(uuid.NAMESPACE_URL, f"factdesk:{organization}:article:{article_id}").urn


# Words that make a speaker's name an organisation's. There is no reliable signal in a name, so
# a Person is assumed unless one of these stands in it as a word ("Regional Insurance Federation").
_ORGANIZATION_WORDS = re.compile(
    r"\b(?:agency|army|assembly|association|authority|bank|board|bureau|cabinet|co|commission|"
    r"committee|company|congress|corp|corporation|council|court|department|embassy|"
    r"federation|forces|foundation|government|group|inc|institute|league|llc|ltd|military|"
    r"ministry|navy|office|organi[sz]ation|parliament|party|plc|police|presidency|senate|"
    r"society|union|university)\b"
    # Seats of government that speak for it (metonyms): "the White House said".
    r"|\b(?:white house|house of (?:commons|lords|representatives)|downing street|kremlin|"
    r"pentagon|[ée]lys[ée]e|whitehall|quai d'orsay|city hall|town hall|state house|"
    r"capitol hill)\b",
    re.IGNORECASE,
)
# An acronym alone (NATO, WHO, IMF): an organisation's short name, not a person's.
_ACRONYM = re.compile(r"[A-Z]{2,6}")


def speaker_type(name: str) -> str:
    """The schema.org type of a speaker: Organization when the name says so, else Person."""
    name = name.strip()
    if _ORGANIZATION_WORDS.search(name) or _ACRONYM.fullmatch(name):
        return "Organization"
    return "Person"


def _retraction_note(fact: Fact) -> str:
    return f"Retracted on {fact.retracted_at.date().isoformat()}: {fact.retraction_reason}"


def _label_in(label, language: str) -> str:
    with translation.override(language or settings.LANGUAGE_CODE):
        return str(label)


def claim_review(fact: Fact, *, url: str, organization: str) -> dict:
    """schema.org ClaimReview; an `unverifiable` verdict carries no rating value."""
    claim, review = fact.claim, fact.review
    verdict = Verdict(review.verdict)
    rating = {
        "@type": "Rating",
        "bestRating": 5,
        "worstRating": 1,
        # The rating's name in the review's language (its article's), else the desk's default.
        "alternateName": _label_in(verdict.label, claim.article.language),
    }
    if RATING_VALUES[verdict] is not None:
        rating["ratingValue"] = RATING_VALUES[verdict]
    appearance = {"@type": "CreativeWork", "headline": claim.article.title}
    if claim.article.url:
        # Only the article's own address: our API's article URL is not public.
        appearance["url"] = claim.article.url
    item = {"@type": "Claim", "appearance": appearance}
    if claim.speaker:
        item["author"] = {"@type": speaker_type(claim.speaker), "name": claim.speaker}
    if claim.article.published_at:
        item["datePublished"] = claim.article.published_at.date().isoformat()
    if claim.article.language:
        # The claim is in its article's language; the desk reviews it in the same language.
        item["inLanguage"] = claim.article.language
    document = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": claim.text,
        "reviewRating": rating,
        "itemReviewed": item,
        "author": {"@type": "Organization", "name": organization},
        "datePublished": fact.published_at.date().isoformat(),
        # Republication, retraction or a flag since: the last change to the fact.
        "dateModified": fact.updated_at.date().isoformat(),
        "reviewBody": review.rationale,
    }
    if claim.article.language:
        document["inLanguage"] = claim.article.language
    if fact.retracted_at:
        # No rating stands any more; the fields every ClaimReview reader shows (the rating's
        # name and the review's text) say so, and schema.org's `correction` carries the date.
        note = _retraction_note(fact)
        rating.pop("ratingValue", None)
        rating["alternateName"] = "Retracted"
        rating["ratingExplanation"] = note
        withdrawn = _label_in(verdict.label, claim.article.language)
        document["reviewBody"] = f"{note}\nWithdrawn verdict, {withdrawn}: {review.rationale}"
        document["correction"] = {
            "@type": "CorrectionComment",
            "text": note,
            "datePublished": fact.retracted_at.date().isoformat(),
        }
    return document


def web_annotation(claim: Claim, *, url: str, article_url: str, fact: Fact | None = None) -> dict:
    """A W3C Web Annotation targeting the claim's words in its article.

    A published fact is an `assessing` annotation whose body is the verdict and rationale; a
    retracted one says so, with the date and reason, and is tagged `retracted`; a claim not yet
    published is a `highlighting` annotation whose body is the claim's wording. The target's
    source is the article's own address, else `article_url`.
    """
    target = {
        "type": "SpecificResource",
        "source": claim.article.url or article_url,
        "selector": claim.selectors(),
    }
    if fact is not None:
        verdict = Verdict(fact.review.verdict)
        label = _label_in(verdict.label, claim.article.language)
        assessment, tag = f"{label}: {fact.review.rationale}", verdict.value
        if fact.retracted_at:
            assessment = f"{_retraction_note(fact)}\nWithdrawn verdict, {assessment}"
            tag = "retracted"
        body = [
            {
                "type": "TextualBody",
                "purpose": "assessing",
                "value": assessment,
                "format": "text/plain",
                "language": "en",
            },
            {"type": "TextualBody", "purpose": "tagging", "value": tag},
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
