"""The reviewer's admin pages: the verification queue, the review page and live check progress.

Views parse, authorise, call a service and redirect with a message; a refusal (a permission,
a rule such as four-eyes, a lost lease) is shown as a message, never as an error page.
Texts (article, claim, archived sources) are rendered by ``highlighted`` below: every piece is
escaped, and the element holding a source contains nothing but its text, so the browser can
count selection offsets in it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from annotations import highlight
from annotations.core.errors import TransitionError
from annotations.core.roles import (
    PERM_EVIDENCE_ADD,
    PERM_EVIDENCE_REMOVE,
    PERM_PUBLISH,
    PERM_RETRACT,
    PERM_REVIEW,
)
from annotations.models import (
    AnchorState,
    Claim,
    ClaimStatus,
    ClaimTransition,
    Source,
)
from annotations.services import claim_source_refusal
from annotations.text import percent, shorten
from verification import selectors
from verification.checks.finding_texts import text_of
from verification.checks.services import check_run_refusal, check_run_request
from verification.facts import matching
from verification.facts.services import fact_publish, fact_retract
from verification.library.matching import library_match
from verification.library.models import FactCheck
from verification.models import (
    OPEN_RUN_STATUSES,
    CheckRun,
    CheckRunStatus,
    Evidence,
    Fact,
    SourceSnapshot,
    Stance,
    Verdict,
)
from verification.review.services import (
    REVIEWABLE,
    evidence_add,
    evidence_remove,
    queue_take,
    review_lease_release,
    review_lease_renew,
    review_record,
)
from verification.sources.services import source_add

CONTEXT_CHARS = 600
"""How much article text to show on each side of the claim on the review page."""


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    css: str  # one or more classes, separated by spaces
    data: tuple[tuple[str, str], ...] = ()


def highlighted(text: str, spans: list[Span]) -> SafeString:
    """Return ``text`` escaped, with a ``<mark>`` per run of text covered by the same spans.

    A run's mark carries the classes and the ``data-*`` ids of every span covering it, so a
    finding inside an evidence passage shows both.
    """
    spans = [s for s in spans if 0 <= s.start < s.end <= len(text)]

    def mark(piece: str, covering: list[int], begins: bool) -> str:
        classes = sorted({css for i in covering for css in spans[i].css.split()})
        data: dict[str, list[str]] = defaultdict(list)
        for i in covering:
            for key, value in spans[i].data:
                data[key].append(value)
        attributes = "".join(
            f' data-{escape(key)}="{escape(" ".join(values))}"' for key, values in data.items()
        )
        return f'<mark class="{escape(" ".join(classes))}"{attributes}>{piece}</mark>'

    return highlight.highlighted(text, spans, mark)


def article_context(claim: Claim) -> dict:
    """The article text around the claim, with the claim's quote highlighted."""
    text = claim.article.text
    if claim.position_start is None:
        return {"html": "", "orphaned": True, "cut_before": False, "cut_after": False}
    start = max(0, claim.position_start - CONTEXT_CHARS)
    end = min(len(text), claim.position_end + CONTEXT_CHARS)
    window = text[start:end]
    quote = Span(claim.position_start - start, claim.position_end - start, "fd-quote")
    words = text[claim.position_start : claim.position_end]
    return {
        "html": highlighted(window, [quote]),
        "orphaned": False,
        "cut_before": start > 0,
        "cut_after": end < len(text),
        # An edit can leave the claim on approximate words: the reviewer sees both.
        "current_words": words,
        "words_differ": " ".join(words.split()) != " ".join(claim.quote_exact.split()),
    }


def last_status_change(claim: Claim) -> ClaimTransition | None:
    """The claim's latest change of status (history notes that keep the status are skipped)."""
    return (
        claim.transitions.exclude(from_status=F("to_status"))
        .select_related("actor")
        .order_by("-created_at", "-id")
        .first()
    )


def clock_time(moment) -> str:
    """A time of day as the review pages say it: hours and minutes, and in which time zone."""
    local = timezone.localtime(moment)
    return _("%(time)s (%(zone)s time)") % {
        "time": f"{local:%H:%M}",
        "zone": timezone.get_current_timezone_name(),
    }


def already_checked(text: str, *, claim_id: int | None = None, limit: int = 3) -> list[dict]:
    """Desk facts and earlier fact-checks close to `text`, for the panel on the claim pages.

    A published claim matches its own fact: `claim_id` leaves that one out. Every value is
    plain text; the template escapes it.
    """
    if not text.strip():
        return []
    found = []
    floor = matching.ALREADY_CHECKED_MIN_SCORE
    for match in library_match(text, limit=limit + 1, min_score=floor):
        if match.fact is not None and match.fact.claim_id == claim_id:
            continue
        if match.fact is not None:
            verdict = match.fact.review.get_verdict_display()
            url = reverse("admin:verification_claim_review", args=[match.fact.claim_id])
        else:
            verdict, url = match.verdict or "no verdict given", match.url
        found.append(
            {
                "kind": match.kind,
                "fact_id": match.fact.pk if match.fact is not None else None,
                "verdict": verdict,
                "claim": shorten(match.claim, 90),
                "publisher": match.publisher,
                "date": match.date,
                "score": f"{match.score:.0%}",
                "url": url,
            }
        )
    return found[:limit]


def _running_label(run: CheckRun) -> str:
    """The worker's progress note (stored in English) in the reader's language."""
    if run.progress.startswith("fetching sources"):
        return _("fetching sources %(done)s/%(total)s") % {
            "done": run.sources_done,
            "total": run.sources_total,
        }
    if run.progress == "checking":
        return _("checking")
    return run.progress if run.progress and run.progress != "starting" else _("starting")


def run_progress(run: CheckRun | None, *, now=None) -> dict:
    """A check run's state for people: a label, fractions for a bar, and elapsed seconds."""
    if run is None:
        return {"state": "none", "label": _("not checked yet"), "open": False}
    now = now or timezone.now()
    finished = run.finished_at or now
    elapsed = max(0.0, (finished - run.created_at).total_seconds())
    if run.status == CheckRunStatus.QUEUED:
        label = run.progress if run.progress.startswith(("retrying", "re-queued")) else _("queued")
    elif run.status == CheckRunStatus.RUNNING:
        label = _running_label(run)
    elif run.status == CheckRunStatus.SUCCEEDED:
        stance = str(Stance(run.stance).label) if run.stance else _("no stance")
        if not get_language().startswith("de"):
            stance = stance.lower()  # "done: refutes"; German keeps its nouns capitalised
        if run.confidence is None:
            label = _("done: %(stance)s") % {"stance": stance}
        else:
            label = _("done: %(stance)s (%(confidence)s confidence)") % {
                "stance": stance,
                "confidence": percent(run.confidence),
            }
    else:
        error = run.error.splitlines()[0] if run.error else _("unknown error")
        label = _("failed: %(error)s") % {"error": error}
    return {
        "state": run.status,
        "label": label,
        "open": run.status in OPEN_RUN_STATUSES,
        "sources_done": run.sources_done,
        "sources_total": run.sources_total,
        "stance": run.stance,
        "confidence": run.confidence,
        "error": run.error,
        "attempts": run.attempts,
        "elapsed_seconds": round(elapsed, 1),
    }


@require_GET
def claim_check_progress(request: HttpRequest, claim_id: int) -> JsonResponse:
    """JSON polled by the claim page: the claim's status and its latest check run's progress."""
    if not request.user.has_perm("annotations.view_claim"):
        raise PermissionDenied
    status = Claim.objects.filter(pk=claim_id).values_list("status", flat=True).first()
    if status is None:
        raise Http404("No such claim.")
    run = selectors.claim_latest_run(claim_id=claim_id)
    # The sources' states come with the run's: the page's Sources table must not stay at the
    # state it was loaded in (a fetch that failed while the page was open).
    sources = Source.objects.filter(claims=claim_id).order_by("id")
    return JsonResponse(
        {
            "claim_status": status,
            "claim_status_label": ClaimStatus(status).label,
            "run": run_progress(run),
            "sources": [
                {"id": source.pk, "state": source.state, "label": source.state_label()}
                for source in sources.only("id", "state", "failure_reason")
            ],
        }
    )


def require_reviewer(request: HttpRequest) -> None:
    if not request.user.has_perm(PERM_REVIEW):
        raise PermissionDenied


def review_page(request: HttpRequest, claim_id: int, *, site: AdminSite) -> TemplateResponse:
    """One claim in its article, its sources' archived text with evidence, findings, actions.

    Anyone who may see claims may read it (an annotator sees what the check found in their
    claim); each action is offered only to those who may take it, and refused to the rest.
    """
    if not request.user.has_perm("annotations.view_claim"):
        raise PermissionDenied
    try:
        claim = selectors.claim_for_review(claim_id=claim_id)
    except Claim.DoesNotExist:
        raise Http404("No such claim.") from None
    runs = list(claim.check_runs.order_by("-created_at", "-id")[:5])
    run = runs[0] if runs else None
    # Evidence lives on the latest finished run while a re-run is still going.
    shown_run = next((r for r in runs if r.status not in OPEN_RUN_STATUSES), None)
    sources = selectors.claim_review_sources(claim=claim, run=shown_run)
    findings = list(shown_run.findings.order_by("position")) if shown_run else []
    for item in sources:
        item["html"] = _snapshot_html(item)
    now = timezone.now()
    lease = getattr(claim, "lease", None)
    if lease is not None and lease.expires_at <= now:
        lease = None
    user = request.user
    held_by_me = lease is not None and lease.reviewer_id == user.pk
    reviews = list(claim.reviews.all())
    fact = getattr(claim, "fact", None)
    reviewable = claim.status in REVIEWABLE
    # Four eyes: the reviewer who gave the verdict cannot publish it, so is not offered to.
    own_verdict = bool(reviews) and reviews[0].reviewer_id == user.pk
    context = {
        **site.each_context(request),
        "title": _("Review: %(claim)s") % {"claim": shorten(claim.text, 60)},
        "claim": claim,
        "article": article_context(claim),
        "last_change": last_status_change(claim),
        "anchor_needs_look": claim.status in REVIEWABLE
        and claim.anchor_state in (AnchorState.FUZZY, AnchorState.ORPHANED),
        "anchor_score": percent(claim.anchor_score),
        "claim_html": highlighted(
            claim.text,
            [
                Span(f.claim_start, f.claim_end, _finding_css(f), (("finding", str(f.pk)),))
                for f in findings
                if f.claim_start is not None and f.claim_end is not None
            ],
        ),
        "run": run,
        "shown_run": shown_run,
        "progress": run_progress(run),
        # With each its sentence in the reader's language.
        "findings": [(f, text_of(f)) for f in findings],
        "sources": sources,
        "lease": lease,
        "lease_until": clock_time(lease.expires_at) if lease else "",
        "held_by_me": held_by_me,
        "held_by_other": lease is not None and not held_by_me,
        "latest_review": reviews[0] if reviews else None,
        "fact": fact,
        "verdicts": Verdict.choices,
        # Another reviewer's verdict form would only be refused on submit: not offered.
        "can_review": reviewable
        and user.has_perm(PERM_REVIEW)
        and not (lease is not None and not held_by_me),
        "can_take": claim.status == ClaimStatus.NEEDS_REVIEW
        and lease is None
        and user.has_perm(PERM_REVIEW),
        "can_edit_evidence": reviewable
        and shown_run is not None
        and (run is None or run.status not in OPEN_RUN_STATUSES)
        and not (lease is not None and not held_by_me),
        "can_add_evidence": user.has_perm(PERM_EVIDENCE_ADD),
        "can_remove_evidence": user.has_perm(PERM_EVIDENCE_REMOVE),
        "can_rerun": check_run_refusal(claim=claim, user=user) is None
        and (run is None or run.status not in OPEN_RUN_STATUSES),
        "can_publish": claim.status == ClaimStatus.REVIEWED
        and user.has_perm(PERM_PUBLISH)
        and not own_verdict
        and claim.anchor_state != AnchorState.ORPHANED,
        "own_verdict_awaits_publisher": claim.status == ClaimStatus.REVIEWED and own_verdict,
        # A live fact, even while an article edit has its claim under review again; not by the
        # reviewer who gave its verdict (four eyes).
        "can_retract": fact is not None
        and fact.retracted_at is None
        and user.has_perm(PERM_RETRACT)
        and (fact.review.reviewer_id != user.pk or settings.FACTDESK_SINGLE_PERSON_DESK),
        "lease_renew_seconds": 120,
        "progress_url": reverse("admin:verification_claim_progress", args=[claim.pk]),
        "queue_url": reverse("admin:verification_queue"),
        "can_see_queue": user.has_perm(PERM_REVIEW),
        "claim_url": reverse("admin:annotations_claim_change", args=[claim.pk]),
        "action_url": reverse("admin:verification_claim_review", args=[claim.pk]),
        "library_matches": already_checked(claim.text, claim_id=claim.pk, limit=5),
        "can_reuse": user.has_perm("annotations.add_source")
        and claim_source_refusal(claim) is None,
    }
    return TemplateResponse(request, "admin/verification/review.html", context)


def _finding_css(finding) -> str:
    # The outcome's class lets a conflict be marked apart from the other findings.
    return f"fd-finding fd-finding-{finding.outcome}"


def _snapshot_html(item: dict) -> SafeString:
    snapshot = item["snapshot"]
    if snapshot is None:
        return mark_safe("")  # noqa: S308 - empty
    spans = [
        Span(e.start, e.end, "fd-evidence", (("evidence", str(e.pk)),)) for e in item["evidence"]
    ]
    spans += [
        Span(f.source_start, f.source_end, _finding_css(f), (("finding", str(f.pk)),))
        for f in item["findings"]
        if f.source_start is not None and f.source_end is not None
    ]
    return highlighted(snapshot.text, spans)


def _int(value: str | None, name: str) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise ValidationError(
            {name: _("%(name)s must be a whole number.") % {"name": name}}
        ) from None


def _error_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or "You are not allowed to do that."


@require_POST
def review_action(request: HttpRequest, claim_id: int, action: str) -> HttpResponse:
    """Run one review-page command through its service; refusals come back as messages."""
    try:
        claim = Claim.objects.get(pk=claim_id)
    except Claim.DoesNotExist:
        raise Http404("No such claim.") from None
    if action not in REVIEW_ACTIONS:
        raise Http404("No such action.")
    handler = REVIEW_ACTIONS[action]
    back = reverse("admin:verification_claim_review", args=[claim.pk])
    if action == "renew":
        try:
            lease = review_lease_renew(claim=claim, reviewer=request.user)
        except (PermissionDenied, ValidationError) as error:
            return JsonResponse({"ok": False, "message": _error_text(error)}, status=409)
        return JsonResponse(
            {
                "ok": True,
                "expires_at": lease.expires_at.isoformat(),
                "until": clock_time(lease.expires_at),
            }
        )
    try:
        outcome = handler(request, claim)
    except (PermissionDenied, ValidationError, TransitionError) as error:
        messages.error(request, _error_text(error))
        return redirect(back)
    if isinstance(outcome, HttpResponse):
        return outcome
    messages.success(request, outcome)
    return redirect(back)


def _take(request, claim):
    queue_take(claim=claim, reviewer=request.user)
    return _("The claim is yours while this page is open (the lease is renewed as you work).")


def _verdict(request, claim):
    review = review_record(
        claim=claim,
        reviewer=request.user,
        verdict=request.POST.get("verdict", ""),
        rationale=request.POST.get("rationale", ""),
    )
    messages.success(
        request,
        _("Verdict “%(verdict)s” recorded; a publisher can now publish it.")
        % {"verdict": review.get_verdict_display()},
    )
    return redirect("admin:verification_queue")


def _evidence_add(request, claim):
    snapshot_id = _int(request.POST.get("snapshot"), "snapshot")
    snapshot = SourceSnapshot.objects.filter(pk=snapshot_id).first()
    if snapshot is None:
        raise ValidationError({"snapshot": _("No such snapshot.")})
    evidence = evidence_add(
        claim=claim,
        snapshot=snapshot,
        start=_int(request.POST.get("start"), "start"),
        end=_int(request.POST.get("end"), "end"),
        user=request.user,
    )
    return _("Evidence added: “%(text)s”.") % {"text": shorten(evidence.text)}


def _evidence_remove(request, claim):
    evidence_id = _int(request.POST.get("evidence"), "evidence")
    evidence = (
        Evidence.objects.select_related("check_run__claim")
        .filter(pk=evidence_id, check_run__claim=claim)
        .first()
    )
    if evidence is None:
        raise ValidationError(_("That evidence is already gone."))
    evidence_remove(evidence=evidence, user=request.user)
    return _("Evidence removed.")


def _rerun(request, claim):
    check_run_request(claim=claim, user=request.user)
    return _("The check is queued again; its progress shows below.")


def _leave(request, claim):
    review_lease_release(claim=claim, reviewer=request.user)
    messages.success(request, _("You left the claim; it is back in the queue for someone else."))
    return redirect("admin:verification_queue")


def _publish(request, claim):
    fact = fact_publish(claim=claim, publisher=request.user)
    return _("Published as fact %(number)s.") % {"number": fact.pk}


def _retract(request, claim):
    fact = Fact.objects.filter(claim=claim).select_related("claim").first()
    if fact is None:
        raise ValidationError(_("This claim has no published fact to retract."))
    fact_retract(fact=fact, user=request.user, reason=request.POST.get("reason", ""))
    return _("The fact is retracted; it stays visible, marked with your reason.")


def _reuse(request, claim):
    """Attach an earlier fact-check of the library as a source, to reuse its verdict."""
    factcheck = FactCheck.objects.filter(url=request.POST.get("url", "")).first()
    if factcheck is None:
        raise ValidationError(_("That earlier fact-check is not in the library."))
    source_add(
        claim=claim,
        user=request.user,
        url=factcheck.url,
        title=shorten(f"Earlier fact-check ({factcheck.publisher_name}): {factcheck.headline}"),
    )
    return _("Earlier fact-check added as a source: %(url)s") % {"url": factcheck.url}


REVIEW_ACTIONS = {
    "take": _take,
    "reuse": _reuse,
    "verdict": _verdict,
    "evidence-add": _evidence_add,
    "evidence-remove": _evidence_remove,
    "rerun": _rerun,
    "leave": _leave,
    "renew": None,  # answered with JSON in review_action
    "publish": _publish,
    "retract": _retract,
}
