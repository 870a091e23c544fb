"""Reads shared by views, admin and tasks: querysets already shaped (no per-row queries)."""

import re

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from annotations.models import Claim, ClaimStatus
from verification.models import CheckRun, Evidence, Fact, Review, ReviewLease, SourceSnapshot

_FACT_FILTER_LOOKUPS = {
    "verdict": "review__verdict",
    "article": "claim__article_id",
    # Part of the name, any case: "peskov" finds "Dmitry Peskov".
    "speaker": "claim__speaker__icontains",
    # Any case: the desk saves tags in lower case, but one made in the Tag admin may not be.
    "tag": "claim__tags__name__iexact",
    "published_after": "published_at__gte",
    "published_before": "published_at__lt",
}


def review_lease_held_by_other(claim: Claim, user: AbstractBaseUser) -> ReviewLease | None:
    """The live lease of another reviewer on this claim, if there is one."""
    lease = ReviewLease.objects.filter(claim=claim).select_related("reviewer").first()
    if lease is not None and lease.reviewer_id != user.pk and lease.expires_at > timezone.now():
        return lease
    return None


def fact_list(filters: dict | None = None) -> QuerySet[Fact]:
    """Published and retracted facts as model instances, with their claim, article and review."""
    return (
        _facts_filtered(filters)
        .select_related("claim__article", "review")
        # The article's full text can be megabytes and no fact view shows it.
        .defer("claim__article__text")
    )


def fact_for_annotation() -> QuerySet[Fact]:
    """Facts with their claim's article text, which a W3C annotation's selectors are checked on."""
    return _facts_filtered(None).select_related("claim__article", "review")


# What a fact's JSON shows, read as plain values: model instances and serializer fields cost
# more than the query on a page of 50 (the list endpoint is the API's busiest).
FACT_ROW_FIELDS = {
    "claim_text": F("claim__text"),
    "quote": F("claim__quote_exact"),
    "speaker": F("claim__speaker"),
    "verdict": F("review__verdict"),
    "rationale": F("review__rationale"),
    "check_run_id": F("review__check_run_id"),
    "article_title": F("claim__article__title"),
    "article_url": F("claim__article__url"),
    "article_publisher": F("claim__article__publisher"),
    "article_published_at": F("claim__article__published_at"),
    "article_language": F("claim__article__language"),
    "claim_status": F("claim__status"),
}


def fact_row_under_review(row: dict) -> bool:
    """Whether a fact row is still published while its claim is reviewed again."""
    return row["retracted_at"] is None and row["claim_status"] != ClaimStatus.PUBLISHED


def fact_rows(filters: dict | None = None) -> QuerySet:
    """Facts as dicts of exactly the values their JSON needs, newest first."""
    return _facts_filtered(filters).values(
        "id",
        "claim_id",
        "published_at",
        "updated_at",
        "retracted_at",
        "retraction_reason",
        "source_flag",
        article_id=F("claim__article_id"),
        **FACT_ROW_FIELDS,
    )


def fact_rows_extras(rows: list[dict]) -> tuple[dict[int, list[str]], dict[int, list[dict]]]:
    """Tags by claim id and evidence by check run id for a page of fact rows: two queries."""
    tags: dict[int, list[str]] = {}
    for claim_id, name in (
        Claim.tags.through.objects.filter(claim_id__in=[r["claim_id"] for r in rows])
        .order_by("tag__name")
        .values_list("claim_id", "tag__name")
    ):
        tags.setdefault(claim_id, []).append(name)
    evidence: dict[int, list[dict]] = {}
    for item in (
        Evidence.objects.filter(check_run_id__in={r["check_run_id"] for r in rows} - {None})
        .order_by("check_run_id", "rank")
        .values(
            "check_run_id",
            "rank",
            "start",
            "end",
            "score",
            "text",
            "snapshot_id",
            "added_by",
            source_id=F("snapshot__source_id"),
            source_url=F("snapshot__source__url"),
            source_title=F("snapshot__source__title"),
            source_kind=F("snapshot__source__kind"),
            snapshot_title=F("snapshot__title"),
            archived_at=F("snapshot__fetched_at"),
        )
    ):
        item["chosen_by"] = "machine" if item.pop("added_by") is None else "reviewer"
        # A web source is often entered without a title: the archived page's own title names it.
        snapshot_title = item.pop("snapshot_title")
        item["source_title"] = item["source_title"] or snapshot_title
        evidence.setdefault(item.pop("check_run_id"), []).append(item)
    for items in evidence.values():
        # Passages a reviewer chose (or kept through a re-run) lead, in the order they were
        # added; the machine's follow in its ranking. The machine scores its own passages on
        # its own scale, so a person's choice must not be ranked behind a weak machine match.
        items.sort(key=lambda e: e["chosen_by"] != "reviewer")
        for rank, item in enumerate(items, start=1):
            item["rank"] = rank
    return tags, evidence


def _fact_ids_changed_since(since) -> QuerySet:
    """Ids of facts changed since a time: published, retracted, flagged, or back in review.

    A union, not an OR across the join to claims: each half is a range read of its own index
    (Fact.updated_at, Claim.status_changed_at), where the OR made both databases read every fact.
    """
    # order_by() drops the models' default orderings, which a compound subquery may not have.
    changed = Fact.objects.order_by().filter(updated_at__gte=since).values("pk")
    # Its claim back in review (an edit of the article moved it) leaves the fact as it was.
    moved = Fact.objects.order_by().filter(claim__status_changed_at__gte=since).values("pk")
    return changed.union(moved)


def _facts_filtered(filters: dict | None) -> QuerySet[Fact]:
    facts = Fact.objects.order_by("-published_at", "-id")
    filters = filters or {}
    for key, lookup in _FACT_FILTER_LOOKUPS.items():
        if filters.get(key) not in (None, ""):
            facts = facts.filter(**{lookup: filters[key]})
    if filters.get("status"):
        facts = facts.filter(retracted_at__isnull=filters["status"] == "published")
    if filters.get("updated_after"):
        facts = facts.filter(pk__in=_fact_ids_changed_since(filters["updated_after"]))
    if filters.get("source_domain"):
        domain = filters["source_domain"]
        # Only sources the desk archived count as the fact's: one whose fetch failed and that
        # nobody could read did not inform the verdict. EXISTS rather than a join: no DISTINCT.
        archived = SourceSnapshot.objects.filter(
            source__claims=OuterRef("claim_id"), source__url__iregex=_host_pattern(domain)
        )
        facts = facts.filter(Exists(archived))
    # Every word must appear, in any order and any of the three fields: one WHERE clause with
    # an OR of three substring tests per word, over the rows the joins already read.
    for word in dict.fromkeys(filters.get("q", "").split()):
        facts = facts.filter(
            Q(claim__text__icontains=word)
            | Q(claim__quote_exact__icontains=word)
            | Q(review__rationale__icontains=word)
        )
    return facts


def _host_pattern(domain: str) -> str:
    """A regular expression for addresses whose host is `domain` or one of its subdomains:
    the host alone, not a mention of the domain further on ("web.archive.org/…/example.org"),
    with or without a port, a path or a trailing slash."""
    return rf"^[a-z][a-z0-9+.-]*://([^/?#@]*@)?([^/?#@]*\.)?{re.escape(domain)}(:[0-9]+)?([/?#]|$)"


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


def claim_list_for_queue_api(*, user, filters: dict | None = None) -> QuerySet[Claim]:
    """`GET queue/`: the admin queue's filters over the claims open to `user` (waiting for
    review, or held by them; claims another reviewer holds are left out, as in take-next)."""
    return claim_list_for_queue_page(user=user, filters=filters).filter(
        Q(status=ClaimStatus.NEEDS_REVIEW) | Q(lease__reviewer=user)
    )


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
