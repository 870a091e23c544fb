"""The reviewers' list pages in the admin: the verification queue (take the next claim, or a
chosen one) and the claims ready to publish."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.admin import AdminSite
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from annotations.core.roles import (
    PERM_PUBLISH,
)
from annotations.models import (
    AnchorState,
    Article,
    Claim,
    ClaimKind,
    ClaimStatus,
    ClaimTransition,
)
from annotations.text import shorten
from verification import selectors
from verification.library.matching import claims_checked_before
from verification.models import (
    Review,
    ReviewLease,
    Stance,
    Verdict,
)
from verification.review import services as review_services
from verification.review.admin_views import clock_time, require_reviewer
from verification.review.services import (
    queue_take,
)

STALE_AFTER = timedelta(hours=24)
QUEUE_PAGE_SIZE = 200


def queue_page(request: HttpRequest, *, site: AdminSite) -> TemplateResponse:
    """The verification queue: claims waiting for review, most urgent first, with filters."""
    require_reviewer(request)
    filters = _queue_filters(request.GET)
    # Why each claim is here (checked, sent back by an article edit, a lease expired): one
    # subquery over the claim's history index, not a query per row.
    last_change = ClaimTransition.objects.filter(claim=OuterRef("pk")).exclude(
        from_status=F("to_status")
    )
    claims = list(
        selectors.claim_list_for_queue_page(user=request.user, filters=filters).annotate(
            last_reason=Subquery(last_change.order_by("-created_at", "-id").values("reason")[:1])
        )[:QUEUE_PAGE_SIZE]
    )
    now = timezone.now()
    checked_before = claims_checked_before([(claim.pk, claim.text) for claim in claims])
    for claim in claims:
        claim.checked_before = claim.pk in checked_before
        lease = getattr(claim, "lease", None)
        claim.stale = claim.status == ClaimStatus.NEEDS_REVIEW and (
            now - claim.status_changed_at > STALE_AFTER
        )
        claim.just_arrived = now - claim.status_changed_at < timedelta(minutes=1)
        claim.lease_holder = lease.reviewer if lease and lease.expires_at > now else None
        claim.lease_until = lease.expires_at if claim.lease_holder else None
        claim.held_by_me = claim.lease_holder is not None and lease.reviewer_id == request.user.pk
        # "Refutes" already shows in the stance badge; only the other priority needs a word.
        claim.priority_label = _("low confidence") if claim.priority == 1 else ""
        claim.stance_label = Stance(claim.machine_stance).label if claim.machine_stance else ""
        claim.review_url = reverse("admin:verification_claim_review", args=[claim.pk])
        claim.anchor_warning = claim.anchor_state in (AnchorState.FUZZY, AnchorState.ORPHANED)
    article_ids = (
        Claim.objects.filter(status__in=[ClaimStatus.NEEDS_REVIEW, ClaimStatus.IN_REVIEW])
        .values("article_id")
        .distinct()
    )
    context = {
        **site.each_context(request),
        "title": _("Verification queue"),
        "claims": claims,
        "truncated": len(claims) == QUEUE_PAGE_SIZE,
        "filters": filters,
        "articles": Article.objects.filter(pk__in=article_ids).only("id", "title"),
        "kinds": ClaimKind.choices,
        "stances": [*Stance.choices, ("failed", _("Check failed"))],
        "take_next_url": reverse("admin:verification_queue_take_next"),
        "waiting": sum(1 for c in claims if c.status == ClaimStatus.NEEDS_REVIEW),
    }
    return TemplateResponse(request, "admin/verification/queue.html", context)


def _queue_filters(data) -> dict[str, str]:
    filters = {key: data.get(key, "") for key in selectors.QUEUE_FILTERS}
    if filters["article"] and not filters["article"].isdigit():
        filters["article"] = ""
    return filters


@require_POST
def queue_take_next(request: HttpRequest) -> HttpResponse:
    """Lease the next claim within the queue's filters to the reviewer; open its review page."""
    require_reviewer(request)
    held = (
        ReviewLease.objects.filter(reviewer=request.user, expires_at__gt=timezone.now())
        .select_related("claim")
        .order_by("taken_at", "id")
        .first()
    )
    if held is not None:
        # One claim at a time: say so, rather than open it as if it were the next one (a
        # reviewer who filtered the queue would take it for a claim of the filtered article).
        messages.warning(
            request,
            _(
                "You still hold claim %(number)s (“%(claim)s”) until %(until)s: give its verdict "
                "or leave it before taking another."
            )
            % {
                "number": held.claim_id,
                "claim": shorten(held.claim.text, 80),
                "until": clock_time(held.expires_at),
            },
        )
        return redirect("admin:verification_claim_review", held.claim_id)
    filters = _queue_filters(request.POST)
    if any(filters.values()):
        claim = _take_next_filtered(request.user, filters)
    else:
        claim = review_services.queue_take_next(reviewer=request.user)
    if claim is None:
        if any(filters.values()):
            messages.info(request, _("No claim waiting for review matches these filters."))
            query = urlencode({key: value for key, value in filters.items() if value})
            return redirect(f"{reverse('admin:verification_queue')}?{query}")
        messages.info(request, _("The queue is empty: no claim is waiting for review."))
        return redirect("admin:verification_queue")
    return redirect("admin:verification_claim_review", claim.pk)


def _take_next_filtered(user, filters: dict[str, str]) -> Claim | None:
    """The next free claim among those the filtered queue shows, leased through the service.

    Each take is the service's guarded lease: if another reviewer wins a claim between this
    read and the take, the next candidate is tried.
    """
    candidates = selectors.claim_list_for_queue_page(user=user, filters=filters).filter(
        status=ClaimStatus.NEEDS_REVIEW, lease__isnull=True
    )
    for claim in candidates[:20]:
        try:
            queue_take(claim=claim, reviewer=user)
        except (PermissionDenied, ValidationError):
            continue
        return claim
    return None


def publish_list_page(request: HttpRequest, *, site: AdminSite) -> TemplateResponse:
    """The publishers' work list: claims with a verdict, waiting for a second person to publish.

    Verdicts the publisher gave are left out (four eyes), unless the desk is a one-person desk.
    """
    if not request.user.has_perm(PERM_PUBLISH):
        raise PermissionDenied
    latest = Review.objects.filter(claim=OuterRef("pk")).order_by("-created_at", "-id")
    claims = (
        Claim.objects.filter(status=ClaimStatus.REVIEWED)
        .select_related("article")
        .defer("article__text")
        .annotate(
            verdict=Subquery(latest.values("verdict")[:1]),
            verdict_by=Subquery(latest.values("reviewer_id")[:1]),
            verdict_at=Subquery(latest.values("created_at")[:1]),
        )
        .order_by("status_changed_at", "id")
    )
    if not settings.FACTDESK_SINGLE_PERSON_DESK:
        claims = claims.exclude(verdict_by=request.user.pk)
    claims = list(claims[:QUEUE_PAGE_SIZE])
    verdicts = dict(Verdict.choices)
    reviewers = {
        user.pk: user.get_username()
        for user in get_user_model().objects.filter(pk__in={c.verdict_by for c in claims})
    }
    for claim in claims:
        claim.verdict_label = verdicts.get(claim.verdict, claim.verdict or "—")
        claim.reviewer_name = reviewers.get(claim.verdict_by, "")
        claim.review_url = reverse("admin:verification_claim_review", args=[claim.pk])
        # The review page refuses to publish a claim whose words left the article.
        claim.publishable = claim.anchor_state != AnchorState.ORPHANED
    context = {
        **site.each_context(request),
        "title": _("Ready to publish"),
        "claims": claims,
        "truncated": len(claims) == QUEUE_PAGE_SIZE,
    }
    return TemplateResponse(request, "admin/verification/publish_list.html", context)
