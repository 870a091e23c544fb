"""Reads shared by views, admin and tasks: querysets already shaped (no per-row queries)."""

from django.db.models import (
    Case,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from annotations.models import Claim, ClaimStatus
from verification.models import CheckRun, Evidence, Fact, Review, SourceSnapshot

_FACT_FILTER_LOOKUPS = {
    "verdict": "review__verdict",
    "article": "claim__article_id",
    "speaker": "claim__speaker__iexact",
    "tag": "claim__tags__name",
    "published_after": "published_at__gte",
    "published_before": "published_at__lt",
}


def fact_list(filters: dict | None = None) -> QuerySet[Fact]:
    """Published and retracted facts with everything a fact's JSON needs, in fixed queries."""
    facts = (
        Fact.objects.select_related("claim__article", "review")
        # A list attribute, not the tags manager's cache: filling 50 managers cloned a queryset
        # for each claim and cost more than the query itself.
        .prefetch_related(Prefetch("claim__tags", to_attr="tag_list"))
        # The article's full text can be megabytes and no fact view shows it.
        .defer("claim__article__text")
        .order_by("-published_at", "-id")
    )
    filters = filters or {}
    for key, lookup in _FACT_FILTER_LOOKUPS.items():
        if filters.get(key) not in (None, ""):
            facts = facts.filter(**{lookup: filters[key]})
    if filters.get("source_domain"):
        domain = filters["source_domain"]
        facts = facts.filter(
            Q(claim__sources__url__icontains=f"://{domain}/")
            | Q(claim__sources__url__icontains=f".{domain}/")
        ).distinct()
    if filters.get("q"):
        q = filters["q"]
        facts = facts.filter(
            Q(claim__text__icontains=q)
            | Q(claim__quote_exact__icontains=q)
            | Q(review__rationale__icontains=q)
        )
    return facts


def fact_evidence(facts: list[Fact]) -> dict[int, list[Evidence]]:
    """The evidence of the check run each fact's verdict was given on, in one query."""
    run_of = {fact.pk: fact.review.check_run_id for fact in facts if fact.review.check_run_id}
    by_run: dict[int, list[Evidence]] = {}
    for item in (
        Evidence.objects.filter(check_run_id__in=set(run_of.values()))
        .select_related("snapshot__source")
        # A snapshot's text is a whole archived page and a pasted source's a document: the API
        # shows neither, and reading them with every passage multiplied the bytes read.
        .defer("snapshot__text", "snapshot__source__text")
        .order_by("check_run_id", "rank")
    ):
        by_run.setdefault(item.check_run_id, []).append(item)
    return {fact_id: by_run.get(run_id, []) for fact_id, run_id in run_of.items()}


def claim_check_runs(claim: Claim) -> QuerySet[CheckRun]:
    return claim.check_runs.prefetch_related(
        Prefetch("evidence", queryset=Evidence.objects.select_related("snapshot")),
        "findings",
    ).order_by("-created_at", "-id")


def claim_list_for_queue(*, reviewer=None) -> QuerySet[Claim]:
    """Claims waiting for review, most urgent first.

    A machine 'refutes' comes first, then low confidence (< 0.6), then the rest; oldest first
    within each band. Claims held by someone else are left out; the reviewer's own are kept.
    """
    latest = CheckRun.objects.filter(claim=OuterRef("pk")).order_by("-created_at", "-id")
    claims = (
        Claim.objects.filter(status__in=[ClaimStatus.NEEDS_REVIEW, ClaimStatus.IN_REVIEW])
        .select_related("article", "lease__reviewer")
        .annotate(
            machine_stance=Subquery(latest.values("stance")[:1]),
            machine_confidence=Subquery(latest.values("confidence")[:1]),
        )
        .annotate(
            priority=Case(
                When(machine_stance="refutes", then=Value(0)),
                When(machine_confidence__lt=0.6, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("priority", "status_changed_at", "id")
    )
    if reviewer is not None:
        claims = claims.filter(Q(status=ClaimStatus.NEEDS_REVIEW) | Q(lease__reviewer=reviewer))
    return claims


def _latest_run() -> QuerySet[CheckRun]:
    return CheckRun.objects.filter(claim=OuterRef("pk")).order_by("-created_at", "-id")


def claim_list_with_latest_check(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    """Annotate each claim with its latest check run's state, in the same query (no N+1)."""
    latest = _latest_run()
    return claims.annotate(
        check_status=Subquery(latest.values("status")[:1]),
        check_progress=Subquery(latest.values("progress")[:1]),
        check_stance=Subquery(latest.values("stance")[:1]),
        check_confidence=Subquery(latest.values("confidence")[:1]),
        check_sources_done=Subquery(latest.values("sources_done")[:1]),
        check_sources_total=Subquery(latest.values("sources_total")[:1]),
    )


QUEUE_FILTERS = ("article", "kind", "stance", "mine")


def claim_list_for_queue_page(*, user, filters: dict | None = None) -> QuerySet[Claim]:
    """The admin queue page: every claim waiting for review or held, with who holds it.

    Filters: `article` (id), `kind`, `stance` (a Stance value, or `failed` for runs that failed),
    `mine` (only claims whose lease `user` holds).
    """
    filters = filters or {}
    latest = _latest_run()
    claims = claim_list_for_queue().annotate(
        machine_status=Subquery(latest.values("status")[:1]),
        machine_error=Subquery(latest.values("error")[:1]),
    )
    if filters.get("article"):
        claims = claims.filter(article_id=filters["article"])
    if filters.get("kind"):
        claims = claims.filter(kind=filters["kind"])
    if filters.get("stance") == "failed":
        claims = claims.filter(machine_status="failed")
    elif filters.get("stance"):
        claims = claims.filter(machine_stance=filters["stance"])
    if filters.get("mine"):
        claims = claims.filter(lease__reviewer=user)
    return claims


def claim_for_review(*, claim_id: int) -> Claim:
    """A claim with its article, lease, latest verdict and published fact, for the review page."""
    return (
        Claim.objects.select_related("article", "lease__reviewer", "fact")
        .prefetch_related(
            Prefetch("reviews", queryset=Review.objects.select_related("reviewer")),
        )
        .get(pk=claim_id)
    )


def claim_review_sources(*, claim: Claim, run: CheckRun | None) -> list[dict]:
    """Each source of the claim with the snapshot to show: the one the run read, else the newest.

    Evidence and findings of `run` are grouped under their snapshot. Three queries in all.
    """
    evidence = list(run.evidence.select_related("added_by").order_by("rank", "id")) if run else []
    findings = list(run.findings.order_by("position")) if run else []
    used = {e.snapshot_id for e in evidence} | {f.snapshot_id for f in findings if f.snapshot_id}
    sources = list(
        claim.sources.order_by("id").prefetch_related(
            Prefetch(
                "snapshots",
                queryset=SourceSnapshot.objects.order_by("-fetched_at", "-id"),
                to_attr="ordered_snapshots",
            )
        )
    )
    shown = []
    for source in sources:
        snapshots = source.ordered_snapshots
        snapshot = next((s for s in snapshots if s.pk in used), snapshots[0] if snapshots else None)
        shown.append(
            {
                "source": source,
                "snapshot": snapshot,
                "evidence": [e for e in evidence if snapshot and e.snapshot_id == snapshot.pk],
                "findings": [f for f in findings if snapshot and f.snapshot_id == snapshot.pk],
            }
        )
    return shown


def claim_latest_run(*, claim_id: int) -> CheckRun | None:
    return CheckRun.objects.filter(claim_id=claim_id).order_by("-created_at", "-id").first()
