"""The project's URLs plus the plain lexical matching bench_match.py compares facts/match/ with.

The baseline answers from the same full-text index and the desk's term index, with no encoder
and no vector index: what matching costs and finds by words alone.
"""

import json

from django.http import JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from verification.facts import matching as desk_matching
from verification.library import lexical
from verification.library.models import FactCheck


@csrf_exempt
def match_lexical(request):
    text = json.loads(request.body)["text"]
    limit = 5
    found = lexical.factchecks_search(text, limit=limit)
    urls = FactCheck.objects.in_bulk([pk for pk, _ in found])
    desk = desk_matching.facts_match(text, limit=limit, min_score=0.2)
    results = [{"url": urls[pk].url, "score": score} for pk, score in found if pk in urls]
    results += [{"url": f"fact:{m.fact.pk}", "score": m.score} for m in desk]
    results.sort(key=lambda r: -r["score"])
    return JsonResponse({"results": results[:limit]})


urlpatterns = [
    path("bench/match-lexical/", match_lexical),
    path("", include("project.urls")),
]
