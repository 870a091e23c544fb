"""The project's URLs plus the baselines bench_api.py compares `GET /api/v1/facts/` against.

Both baselines return the first page of the same ordering with `.values()` and `JsonResponse`:
no serializer, no pagination class, no throttle, no permission check.
"""

from django.http import JsonResponse
from django.urls import include, path

from verification.models import Evidence, Fact

FACT_FIELDS = (
    "id",
    "claim_id",
    "claim__text",
    "claim__quote_exact",
    "claim__speaker",
    "review__verdict",
    "review__rationale",
    "review__check_run_id",
    "claim__article_id",
    "claim__article__title",
    "claim__article__url",
    "claim__article__publisher",
    "claim__article__published_at",
    "published_at",
    "updated_at",
    "retracted_at",
    "retraction_reason",
)
EVIDENCE_FIELDS = (
    "check_run_id",
    "rank",
    "snapshot_id",
    "snapshot__source_id",
    "snapshot__source__url",
    "snapshot__fetched_at",
    "start",
    "end",
    "score",
    "text",
)


def _page(request) -> list[dict]:
    size = min(int(request.GET.get("page_size", 50)), 200)
    return list(Fact.objects.order_by("-published_at", "-id").values(*FACT_FIELDS)[:size])


def fact_rows(request):
    """The page's fact rows with their claim, verdict and article: one query."""
    return JsonResponse({"results": _page(request)})


def fact_rows_with_evidence(request):
    """The same rows plus each fact's evidence passages, as the API returns them: two queries."""
    rows = _page(request)
    by_run: dict[int, list[dict]] = {}
    for item in (
        Evidence.objects.filter(check_run_id__in={row["review__check_run_id"] for row in rows})
        .order_by("check_run_id", "rank")
        .values(*EVIDENCE_FIELDS)
    ):
        by_run.setdefault(item["check_run_id"], []).append(item)
    for row in rows:
        row["evidence"] = by_run.get(row["review__check_run_id"], [])
    return JsonResponse({"results": rows})


urlpatterns = [
    path("bench/fact-rows/", fact_rows),
    path("bench/fact-rows-evidence/", fact_rows_with_evidence),
    path("", include("project.urls")),
]
