"""Sources over time: fetch on attach, retry failures, and re-check the sources of published facts.

The network is never touched inside a database transaction: fetching happens first, then the
snapshot and any state change are written in short transactions.
"""

import logging
import re
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from annotations import services as annotation_services
from annotations.core.errors import TransitionError
from annotations.models import Claim, ClaimStatus, Source, SourceKind, SourceState
from annotations.services import claim_transition
from verification import events
from verification.enqueue import SOURCE_FETCH, enqueue_on_commit
from verification.models import Fact, SourceSnapshot
from verification.sources.archive import SourceUnavailable, source_archive

logger = logging.getLogger(__name__)

GONE_STATUSES = ("not found (HTTP 404)", "gone (HTTP 410)")
_WORDS = re.compile(r"\w+")
# Below this share of shared words between two versions, a source counts as materially changed.
MATERIAL_SIMILARITY = 0.9


def source_add(
    *,
    claim: Claim,
    user: AbstractBaseUser,
    url: str = "",
    text: str = "",
    title: str = "",
    uploaded=None,
) -> Source:
    """Attach a source to a claim and archive it in the background (see source_save)."""
    return source_save(
        claims=[claim], user=user, url=url, text=text, title=title, uploaded=uploaded
    )


def source_save(
    *,
    claims: Sequence[Claim],
    user: AbstractBaseUser,
    source: Source | None = None,
    url: str = "",
    text: str = "",
    title: str = "",
    uploaded=None,
) -> Source:
    """Add a source to claims, or change `source`; fetch it in the background after commit.

    Every way a source is added or changed comes here: the API, the claim and source admin
    pages, the review page. One of `url`, `uploaded` (a new file) or `text` says what it is read
    from; a change that leaves all three empty keeps a file source's file. A new or changed
    source, and a known address that failed before, is queued for fetching once the transaction
    commits; a source newly attached to a published or retracted claim is refused.
    """
    perm, refusal = (
        ("annotations.add_source", gettext("You do not have permission to add sources."))
        if source is None
        else ("annotations.change_source", gettext("You do not have permission to change sources."))
    )
    if not (user and user.is_authenticated and user.has_perm(perm)):
        raise PermissionDenied(refusal)
    claims = list(claims)
    with transaction.atomic():
        if source is None:
            source = _source_create(
                claims, user, url=url, text=text, title=title, uploaded=uploaded
            )
            fetch = source.state in (SourceState.PENDING, SourceState.FAILED)
        else:
            fetch = _source_change(
                source, claims, url=url, text=text, title=title, uploaded=uploaded
            )
        if fetch:
            _enqueue_fetch(source)
    return source


def _source_create(claims: list[Claim], user, *, url, text, title, uploaded) -> Source:
    first, others = (claims[0], claims[1:]) if claims else (None, [])
    if url:
        source = annotation_services.source_add_url(claim=first, url=url, title=title, user=user)
    elif uploaded is not None:
        source = annotation_services.source_add_file(
            claim=first, uploaded=uploaded, title=title, user=user
        )
    elif text:
        source = annotation_services.source_add_text(claim=first, title=title, text=text, user=user)
    else:
        raise ValidationError(gettext("Give a URL, a file or pasted text."))
    for claim in others:
        _require_open(claim)
    source.claims.add(*others)
    return source


def _source_change(source: Source, claims: list[Claim], *, url, text, title, uploaded) -> bool:
    """Save a changed source; return whether what it is read from changed (so fetch it)."""
    current = Source.objects.select_for_update().get(pk=source.pk)
    attached = set(current.claims.values_list("pk", flat=True))
    for claim in claims:
        if claim.pk not in attached:
            _require_open(claim)
    if url:
        kind = SourceKind.URL
        annotation_services.source_url_clean(url)
    elif uploaded is not None or (current.kind == SourceKind.FILE and not text):
        kind = SourceKind.FILE
    elif text:
        kind = SourceKind.TEXT
        text = annotation_services.source_text_clean(text=text, title=title)
        title = title.strip()
    else:
        raise ValidationError(gettext("Give a URL, a file or pasted text."))
    content = {
        "kind": kind,
        "url": url if kind == SourceKind.URL else "",
        "text": text if kind == SourceKind.TEXT else "",
        "file": uploaded or (current.file if kind == SourceKind.FILE else ""),
    }
    changed = uploaded is not None or any(
        getattr(current, name) != value for name, value in content.items() if name != "file"
    )
    for name, value in {**content, "title": title}.items():
        setattr(current, name, value)
    if changed:
        current.state, current.failure_reason = SourceState.PENDING, ""
    current.save()
    current.claims.set(claims)
    source.refresh_from_db()
    return changed


def _require_open(claim: Claim) -> None:
    refusal = annotation_services.claim_source_refusal(claim)
    if refusal is not None:
        raise TransitionError(refusal)


def source_retry(*, source: Source, user: AbstractBaseUser) -> None:
    """Queue a failed source for another fetch."""
    if not (user and user.is_authenticated and user.has_perm("annotations.change_source")):
        raise PermissionDenied(gettext("You do not have permission to retry sources."))
    if source.state != SourceState.FAILED:
        raise ValidationError(
            gettext("Only failed sources are retried; this one is %(state)s.")
            % {"state": source.get_state_display().lower()}
        )
    Source.objects.filter(pk=source.pk).update(state=SourceState.PENDING, failure_reason="")
    _enqueue_fetch(source)


def _enqueue_fetch(source: Source) -> None:
    enqueue_on_commit(
        SOURCE_FETCH,
        source.pk,
        what=f"the fetch of source {source.pk}",
        if_lost="the check run fetches it anyway",
    )


def source_fetch(*, source_id: int) -> SourceSnapshot | None:
    """Archive a source now; a transient failure is re-raised so the task retries it."""
    source = Source.objects.filter(pk=source_id).first()
    if source is None:
        return None
    return source_archive(source=source)


def source_snapshot_for_check(source: Source) -> SourceSnapshot:
    """The snapshot a check run reads: the latest one, or a fresh archive if there is none."""
    latest = source.snapshots.order_by("-fetched_at", "-id").first()
    return latest if latest is not None else source_archive(source=source)


def sources_due_for_recheck() -> list[int]:
    """URL sources of live published facts with no snapshot newer than the re-check interval."""
    cutoff = timezone.now() - timedelta(hours=settings.FACTDESK_RECHECK_INTERVAL_HOURS)
    fresh = SourceSnapshot.objects.filter(fetched_at__gte=cutoff).values("source_id")
    return list(
        Source.objects.filter(
            kind=SourceKind.URL,
            claims__status=ClaimStatus.PUBLISHED,
            claims__fact__retracted_at__isnull=True,
        )
        .exclude(pk__in=fresh)
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def source_recheck(*, source_id: int) -> str:
    """Re-fetch one source of published facts; flag the facts if it changed or vanished.

    Returns "unchanged", "changed", "gone" or "failed" (a transient failure to try next time).
    """
    source = Source.objects.filter(pk=source_id).first()
    if source is None:
        return "failed"
    previous = source.snapshots.order_by("-fetched_at", "-id").first()
    try:
        snapshot = source_archive(source=source)
    except SourceUnavailable as error:
        if error.reason in GONE_STATUSES or error.reason.startswith("cannot resolve"):
            _flag_facts(source, flag="source_gone", note=f"The source is gone: {error.reason}.")
            return "gone"
        return "failed"
    if previous is None or snapshot.pk == previous.pk:
        return "unchanged"
    similarity = text_similarity(previous.text, snapshot.text)
    if similarity >= MATERIAL_SIMILARITY:
        return "unchanged"
    _flag_facts(
        source,
        flag="source_changed",
        note=f"The source changed on {snapshot.fetched_at:%Y-%m-%d}: "
        f"{similarity:.0%} of its words are as before.",
    )
    return "changed"


def text_similarity(old: str, new: str) -> float:
    """Share of distinct words the two versions have in common (Jaccard), 1.0 when identical."""
    before, after = set(_WORDS.findall(old.lower())), set(_WORDS.findall(new.lower()))
    if not before and not after:
        return 1.0
    return len(before & after) / len(before | after)


def _flag_facts(source: Source, *, flag: str, note: str) -> None:
    facts = Fact.objects.filter(
        claim__sources=source, retracted_at__isnull=True, claim__status=ClaimStatus.PUBLISHED
    ).select_related("claim")
    for fact in facts:
        with transaction.atomic():
            Fact.objects.filter(pk=fact.pk).update(
                source_flag=flag, source_flag_note=note[:500], updated_at=timezone.now()
            )
            try:
                claim_transition(
                    claim=fact.claim,
                    to_status=ClaimStatus.NEEDS_REVIEW,
                    actor=None,
                    reason=f"{note} Source: {source.url}",
                    from_statuses=(ClaimStatus.PUBLISHED,),
                )
            except TransitionError:
                logger.info("Claim %s left published before its re-check.", fact.claim_id)
            events.source_changed(source=source, fact=fact, change=flag, note=note)
