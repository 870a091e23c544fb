"""ClaimReview records as fact-checkers publish them, and their import, for the library's tests."""

import json

from verification.library import services as library_services
from verification.library.claimreview import read_records


def review(n: int, claim: str, rating: str = "False") -> dict:
    return {
        "@type": "ClaimReview",
        "url": f"https://checks.example.org/{n}",
        "claimReviewed": claim,
        "headline": f"Headline {n}",
        "datePublished": "2024-05-01",
        "author": {"@type": "Organization", "name": "Checks Weekly"},
        "reviewRating": {"@type": "Rating", "alternateName": rating},
    }


def import_reviews(*reviews: dict):
    return library_services.factchecks_import(items=read_records(json.dumps(list(reviews))))
