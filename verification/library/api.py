"""The shape of one match in `POST facts/match/` (the serializer in serializers.py documents it)."""

from django.urls import reverse

from verification.library.matching import FACT, LibraryMatch


def match_payload(match: LibraryMatch, request) -> dict:
    if match.kind == FACT:
        fact = match.fact
        url = request.build_absolute_uri(reverse("fact-detail", args=[fact.pk]))
        status = "retracted" if fact.retracted_at else "published"
    else:
        url, status = match.url, "published"
    return {
        "kind": match.kind,
        "id": match.fact.pk if match.kind == FACT else None,
        "score": match.score,
        "claim": match.claim,
        "matched_text": match.matched_text,
        "shared_terms": match.shared_terms,
        "verdict": match.verdict,
        "status": status,
        "publisher": match.publisher,
        "date": match.date.isoformat() if match.date else None,
        "url": url,
    }
