"""`POST facts/match/`: desk facts and earlier fact-checks ranked together, and one match's shape
(the serializers in verification/facts/serializers.py document it)."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from verification.facts.serializers import MatchRequestSerializer, MatchResponseSerializer
from verification.facts.views import PublicReadPermission
from verification.library.matching import FACT, LibraryMatch, library_match


class FactMatchView(APIView):
    permission_classes = [PublicReadPermission]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "match"

    @extend_schema(
        request=MatchRequestSerializer,
        responses=MatchResponseSerializer,
        description="Desk facts and earlier fact-checks close to `text` in meaning or words. "
        "Each match has a `score` (0..1, what `min_score` filters on); the order of `results` "
        "is the re-ranked one (a cross-encoder over the 20 best, fused with their order by "
        "reciprocal rank), so a match may come before one with a higher score.",
    )
    def post(self, request):
        data = MatchRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        matches = library_match(
            data.validated_data["text"],
            limit=data.validated_data["limit"],
            min_score=data.validated_data["min_score"],
        )
        return Response({"results": [match_payload(m, request) for m in matches]})


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
