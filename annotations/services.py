"""Every write to articles, claims and sources, and every claim status change."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import formats, timezone
from django.utils.translation import gettext

from annotations import anchoring, selectors
from annotations.core import events
from annotations.core.errors import TransitionError
from annotations.language import article_language_set, language_detect
from annotations.models import (
    MAX_CLAIM_CHARS,
    MAX_SPEAKER_CHARS,
    AnchorState,
    Article,
    ArticleRevision,
    Claim,
    ClaimKind,
    ClaimStatus,
    ClaimTransition,
    Source,
    SourceKind,
    Tag,
)

S = ClaimStatus

# Which statuses a claim may come from to reach each status. Anchor or source changes send
# any claim past draft back to needs_review, so that status accepts the most predecessors.
ALLOWED_FROM: dict[str, tuple[str, ...]] = {
    S.SUBMITTED: (S.DRAFT,),
    S.CHECKING: (S.SUBMITTED, S.NEEDS_REVIEW, S.IN_REVIEW, S.REVIEWED),
    S.NEEDS_REVIEW: (S.SUBMITTED, S.CHECKING, S.IN_REVIEW, S.REVIEWED, S.PUBLISHED),
    S.IN_REVIEW: (S.NEEDS_REVIEW,),
    S.REVIEWED: (S.IN_REVIEW, S.NEEDS_REVIEW),
    S.PUBLISHED: (S.REVIEWED,),
    # A fact stays retractable while an edit of its article has its claim under review again.
    S.RETRACTED: (S.PUBLISHED, S.NEEDS_REVIEW, S.IN_REVIEW, S.REVIEWED),
}


class ClaimAlreadyMarked(TransitionError):
    """The words are already marked as a live claim of the article; `claim` is that claim."""

    def __init__(self, claim: Claim) -> None:
        super().__init__(
            gettext(
                "Already marked as claim %(claim)s: those words of the article are a claim "
                "already; work on that one instead of marking them again."
            )
            % {"claim": claim.pk}
        )
        self.claim = claim


@dataclass(frozen=True)
class ReanchorSummary:
    """How many of the article's claims are in each anchor state after an edit."""

    kept: int
    moved: int
    fuzzy: int
    orphaned: int


def claim_transition(
    *,
    claim: Claim,
    to_status: str,
    actor: AbstractBaseUser | None,
    reason: str = "",
    from_statuses: Iterable[str] | None = None,
) -> Claim:
    """Move a claim to `to_status` and record who, when, from, to and why.

    The update is conditional on the status read in the same transaction, so of two concurrent
    attempts exactly one changes the row and the other raises TransitionError.
    """
    allowed = tuple(from_statuses) if from_statuses is not None else ALLOWED_FROM[to_status]
    with transaction.atomic():
        current = Claim.objects.filter(pk=claim.pk).values_list("status", flat=True).first()
        if current is None:
            raise TransitionError(gettext("Claim %(claim)s does not exist.") % {"claim": claim.pk})
        if current not in allowed:
            raise TransitionError(
                gettext("Claim %(claim)s is %(status)s; it cannot become %(to)s from there.")
                % {
                    "claim": claim.pk,
                    "status": ClaimStatus(current).label.lower(),
                    "to": ClaimStatus(to_status).label.lower(),
                }
            )
        now = timezone.now()
        changed = Claim.objects.filter(pk=claim.pk, status=current).update(
            status=to_status, status_changed_at=now, updated_at=now
        )
        if changed != 1:
            raise TransitionError(
                gettext("Claim %(claim)s was changed by someone else; reload it.")
                % {"claim": claim.pk}
            )
        _history_record(
            claim=claim, from_status=current, to_status=to_status, actor=actor, reason=reason
        )
        _claim_status_changed(claim.pk, current, to_status, now)
    claim.status = to_status
    claim.status_changed_at = now
    return claim


def claim_history_note(*, claim: Claim, actor: AbstractBaseUser | None, reason: str) -> None:
    """Record a step that changes no status (evidence chosen by a person) in the claim's history."""
    # The status as stored now: the caller's copy of the claim may be older.
    status = Claim.objects.filter(pk=claim.pk).values_list("status", flat=True).get()
    _history_record(claim=claim, from_status=status, to_status=status, actor=actor, reason=reason)


def _history_record(*, claim: Claim, from_status: str, to_status: str, actor, reason: str) -> None:
    ClaimTransition.objects.create(
        claim_id=claim.pk,
        from_status=from_status,
        to_status=to_status,
        actor=_user_or_none(actor),
        reason=reason[:5000],
    )


def article_create(
    *,
    title: str,
    text: str,
    user: AbstractBaseUser | None,
    url: str = "",
    publisher: str = "",
    published_at=None,
) -> Article:
    text = anchoring.canonical_text(text)
    if not text.strip():
        raise ValidationError({"text": gettext("The article has no text.")})
    if not title.strip():
        raise ValidationError({"title": gettext("The article needs a title.")})
    article = Article(
        title=title.strip(),
        text=text,
        language=language_detect(text),
        url=url,
        publisher=publisher,
        published_at=published_at,
        created_by=_user_or_none(user),
    )
    article.full_clean()
    article.save()
    return article


def article_update_text(
    *, article: Article, text: str, user: AbstractBaseUser | None
) -> ReanchorSummary:
    """Replace an article's text, keep the old text as a revision, and re-anchor every claim.

    Claims found again move silently, approximate matches move and are flagged, claims not found
    are orphaned; any claim past draft whose anchor changed goes back to review with the reason.
    """
    text = anchoring.canonical_text(text)
    if not text.strip():
        raise ValidationError({"text": gettext("The article has no text.")})
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        if text == article.text:
            # Nothing is re-anchored; each claim keeps the anchor its last edit gave it.
            counts = dict(
                article.claims.order_by()
                .values("anchor_state")
                .annotate(n=Count("id"))
                .values_list("anchor_state", "n")
            )
            return ReanchorSummary(
                kept=counts.get(AnchorState.ANCHORED, 0),
                moved=counts.get(AnchorState.MOVED, 0),
                fuzzy=counts.get(AnchorState.FUZZY, 0),
                orphaned=counts.get(AnchorState.ORPHANED, 0),
            )
        ArticleRevision.objects.create(
            article=article,
            text_version=article.text_version,
            text=article.text,
            replaced_by=_user_or_none(user),
        )
        article.text = text
        article.text_version += 1
        if not article.language_by_hand:
            article.language = language_detect(text)
        article.save(update_fields=["text", "text_version", "language", "updated_at"])
        claims = list(article.claims.all())
        results = anchoring.reanchor_many(
            text,
            [
                anchoring.ClaimSelector(
                    exact=c.quote_exact,
                    prefix=c.quote_prefix,
                    suffix=c.quote_suffix,
                    start=c.position_start,
                    end=c.position_end,
                )
                for c in claims
            ],
        )
        counts = {"anchored": 0, "moved": 0, "fuzzy": 0, "orphaned": 0}
        for claim, result in zip(claims, results, strict=True):
            counts[result.state] += 1
            _claim_apply_anchor(claim=claim, result=result, text=text, user=user)
    return ReanchorSummary(
        kept=counts["anchored"],
        moved=counts["moved"],
        fuzzy=counts["fuzzy"],
        orphaned=counts["orphaned"],
    )


def _claim_apply_anchor(*, claim: Claim, result, text: str, user) -> None:
    unchanged = (
        result.state == AnchorState.ANCHORED
        and claim.anchor_state == AnchorState.ANCHORED
        and (claim.position_start, claim.position_end) == (result.start, result.end)
    ) or (result.state == claim.anchor_state == AnchorState.ORPHANED)
    where = ("quote_exact", "quote_prefix", "quote_suffix", "position_start", "position_end")
    before = [getattr(claim, field) for field in where]
    if result.start is not None:
        selector = anchoring.describe(text, result.start, result.end)
        claim.quote_prefix, claim.quote_suffix = selector.prefix, selector.suffix
        # A fuzzy match keeps the annotator's quote, shown next to the match for a look.
        if result.state != AnchorState.FUZZY:
            claim.quote_exact = selector.exact
    claim.position_start, claim.position_end = result.start, result.end
    claim.anchor_state = result.state
    claim.anchor_score = result.score
    claim.anchor_note = result.reason[:500]
    claim.save(
        update_fields=[
            "quote_exact",
            "quote_prefix",
            "quote_suffix",
            "position_start",
            "position_end",
            "anchor_state",
            "anchor_score",
            "anchor_note",
            "updated_at",
        ]
    )
    needs_look = result.state in (AnchorState.FUZZY, AnchorState.ORPHANED)
    # Drafts, claims already waiting for review and retracted facts are left where they are.
    if not unchanged and needs_look and claim.status in ALLOWED_FROM[S.NEEDS_REVIEW]:
        claim_transition(
            claim=claim,
            to_status=S.NEEDS_REVIEW,
            actor=user,
            reason=f"The article text changed; the claim's anchor is {result.state}: "
            f"{result.reason}",
        )
    elif [getattr(claim, field) for field in where] != before:
        _claim_status_changed(claim.pk, claim.status, claim.status, claim.updated_at)


def claim_create(
    *,
    article: Article,
    user: AbstractBaseUser | None,
    start: int | None = None,
    end: int | None = None,
    exact: str | None = None,
    prefix: str = "",
    suffix: str = "",
    text: str = "",
    speaker: str = "",
    kind: str = ClaimKind.OTHER,
    tags: Iterable[str] = (),
) -> Claim:
    """Create a draft claim from a position selector, a quote selector, or both.

    Positions are code points over the article's canonical text. With both, the position must
    select exactly the quote; with a quote alone it is located with its context.
    """
    if start is None and end is None and not exact:
        raise ValidationError(
            {"selector": gettext("Give a TextQuoteSelector, a TextPositionSelector or both.")}
        )
    if (start is None) != (end is None):
        raise ValidationError(
            {"selector": gettext("A TextPositionSelector needs both start and end.")}
        )
    if start is not None:
        if not 0 <= start < end <= len(article.text):
            raise ValidationError(
                {
                    "selector": gettext(
                        "Positions %(start)s-%(end)s are outside the article's text "
                        "(0-%(length)s) or empty."
                    )
                    % {"start": start, "end": end, "length": len(article.text)}
                }
            )
        if exact and article.text[start:end] != anchoring.canonical_text(exact):
            raise ValidationError(
                {
                    "selector": gettext(
                        "The TextQuoteSelector's exact text is not the text at the given positions."
                    )
                }
            )
    else:
        match = anchoring.match_quote(
            article.text, anchoring.canonical_text(exact), prefix=prefix, suffix=suffix
        )
        if match is None or match.score < 1.0:
            raise ValidationError(
                {"selector": gettext("The quoted text was not found in the article.")}
            )
        start, end = match.start, match.end
    selector = anchoring.describe(article.text, start, end)
    # The claim's sentence is kept as written (the quote when none is given); only the
    # speaker, a name, is trimmed.
    text = anchoring.canonical_text(text) if text.strip() else selector.exact
    speaker = speaker.strip()
    if len(text) > MAX_CLAIM_CHARS:
        raise ValidationError(
            {
                "text": gettext(
                    "A claim is at most %(limit)s characters (the checker reads no more) and "
                    "this one has %(length)s: state it as one checkable sentence, or select "
                    "fewer words."
                )
                % {
                    "limit": formats.number_format(MAX_CLAIM_CHARS, force_grouping=True),
                    "length": formats.number_format(len(text), force_grouping=True),
                }
            }
        )
    if len(speaker) > MAX_SPEAKER_CHARS:
        raise ValidationError(
            {
                "speaker": gettext("A speaker's name is at most %(limit)s characters.")
                % {"limit": MAX_SPEAKER_CHARS}
            }
        )
    if kind not in ClaimKind.values:
        raise ValidationError(
            {
                "kind": gettext("Unknown kind %(kind)r; use one of %(choices)s.")
                % {"kind": kind, "choices": ClaimKind.values}
            }
        )
    with transaction.atomic():
        # Claims of one article are created one at a time, so two people marking the same words
        # at once cannot both pass the check below (PostgreSQL; SQLite writes one at a time).
        Article.objects.select_for_update().filter(pk=article.pk).values_list("pk").first()
        existing = selectors.claim_on_span(article_id=article.pk, start=start, end=end)
        if existing is not None:
            raise ClaimAlreadyMarked(existing)
        claim = Claim.objects.create(
            article=article,
            text=text,
            speaker=speaker,
            kind=kind,
            quote_exact=selector.exact,
            quote_prefix=selector.prefix,
            quote_suffix=selector.suffix,
            position_start=start,
            position_end=end,
            anchor_state=AnchorState.ANCHORED,
            created_by=_user_or_none(user),
        )
        claim_set_tags(claim=claim, names=tags)
    return claim


def claim_update(
    *, claim: Claim, user: AbstractBaseUser, text: str, speaker: str, kind: str
) -> Claim:
    """Change a claim's wording, speaker or kind; its anchor in the article stays as it is."""
    if not (user and user.is_authenticated and user.has_perm("annotations.change_claim")):
        raise PermissionDenied(gettext("You do not have permission to change claims."))
    claim.text, claim.speaker, claim.kind = text, speaker, kind
    claim.save(update_fields=["text", "speaker", "kind", "updated_at"])
    return claim


PERM_CLAIM_ADD = "annotations.add_claim"
# Deleting anyone's draft (reviewers tidying the desk); the claim's creator needs only to still
# be allowed to mark claims.
PERM_CLAIM_DELETE = "annotations.delete_claim"


def claim_delete_refusal(
    *, claim: Claim, user: AbstractBaseUser | None
) -> PermissionDenied | TransitionError | None:
    """Why this user may not delete this claim, or None when they may.

    Only a draft can go: once submitted, a claim has a history (checks, evidence, a verdict)
    that is kept. Its creator may delete it, and so may whoever may delete any draft.
    """
    if not (user and user.is_authenticated):
        return PermissionDenied(gettext("Sign in to delete claims."))
    own = claim.created_by_id == user.pk and user.has_perm(PERM_CLAIM_ADD)
    if not (own or user.has_perm(PERM_CLAIM_DELETE)):
        return PermissionDenied(
            "Only the annotator who marked this claim, or a reviewer, can delete it."
        )
    if claim.status != S.DRAFT:
        return TransitionError(
            f"Claim {claim.pk} is {ClaimStatus(claim.status).label.lower()}: a claim that has "
            "been submitted keeps its history and cannot be deleted."
        )
    return None


def claim_delete(*, claim: Claim, user: AbstractBaseUser | None) -> None:
    """Delete a draft claim marked by mistake, with its tags, links to sources, and the sources
    no other claim cites (they were given for this claim only and would be left as orphans).

    A source another claim cites stays: the source page can attach it again.
    """
    refusal = claim_delete_refusal(claim=claim, user=user)
    if refusal is not None:
        raise refusal
    with transaction.atomic():
        # Lock the row while it is still a draft: a concurrent submit (a conditional update of
        # the same row) then waits and finds it gone, or got there first and this finds no
        # draft. Without the lock, Django's delete reads the claim, then deletes by id alone,
        # and could delete a claim submitted in between.
        locked = list(
            Claim.objects.select_for_update().filter(pk=claim.pk, status=S.DRAFT).values("pk")
        )
        if not locked:
            raise TransitionError(
                gettext(
                    "Claim %(claim)s was submitted or deleted by someone else meanwhile; reload it."
                )
                % {"claim": claim.pk}
            )
        cited = list(Source.objects.filter(claims=claim.pk).values_list("pk", flat=True))
        own_sources = list(
            Source.objects.filter(pk__in=cited)
            .annotate(cited_by=Count("claims"))
            .filter(cited_by=1)
            .values_list("pk", flat=True)
        )
        Claim.objects.filter(pk=claim.pk).delete()
        sources = Source.objects.filter(pk__in=own_sources, claims=None)
        files = [name for name in sources.values_list("file", flat=True) if name]
        sources.delete()
        if files:
            # The uploaded files go once the rows are gone for good (not if this rolls back).
            storage = Source._meta.get_field("file").storage
            transaction.on_commit(lambda: [storage.delete(name) for name in files])


def claim_set_tags(*, claim: Claim, names: Iterable[str]) -> None:
    tags = [
        Tag.objects.get_or_create(name=name.strip().lower())[0] for name in names if name.strip()
    ]
    claim.tags.set(tags)


# Checks a web address must pass to become a source; each returns why it is refused, or None.
# The verification app registers the fetcher's address rules here when it starts, so a source
# that could never be fetched (http://127.0.0.1/, a cloud metadata address) is refused when it
# is entered instead of failing later, and annotations need not import verification.
SOURCE_URL_CHECKS: list[Callable[[str], str | None]] = []


def source_url_problem(url: str) -> str | None:
    """Why `url` cannot be a source, as a sentence for the person who entered it, or None."""
    for check in SOURCE_URL_CHECKS:
        reason = check(url)
        if reason:
            return gettext("This address cannot be a source: %(reason)s.") % {
                "reason": reason.removeprefix("refused: ")
            }
    return None


def claim_source_refusal(claim: Claim) -> str | None:
    """Why no source may be attached to this claim now, as a sentence, or None when one may.

    A published or retracted claim is never checked again (see the transitions above), so a
    source attached to it would be archived and then never read nor shown with the verdict.
    """
    status = Claim.objects.filter(pk=claim.pk).values_list("status", flat=True).first()
    if status == S.PUBLISHED:
        return gettext(
            "This claim is published: its verdict rests on the sources it was checked with. "
            "To check it against another source, a publisher retracts the fact and the words "
            "are marked again as a new claim."
        )
    if status == S.RETRACTED:
        return gettext(
            "This claim's fact is retracted, so the claim is closed: mark its words again as a "
            "new claim to check them against another source."
        )
    return None


def _require_claim_takes_sources(claim: Claim | None) -> None:
    refusal = None if claim is None else claim_source_refusal(claim)
    if refusal is not None:
        raise TransitionError(refusal)


def source_url_clean(url: str) -> str:
    """`url` if it can be a source; a ValidationError on `url` saying why not."""
    problem = source_url_problem(url)
    if problem:
        raise ValidationError({"url": problem})
    return url


def source_add_url(
    *, claim: Claim | None, url: str, user: AbstractBaseUser | None, title: str = ""
) -> Source:
    """Attach a web source; a URL already known is reused so it is fetched and archived once."""
    source_url_clean(url)
    _require_claim_takes_sources(claim)
    with transaction.atomic():
        source, _ = Source.objects.get_or_create(
            kind=SourceKind.URL,
            url=url,
            defaults={"title": title, "created_by": _user_or_none(user)},
        )
        _attach(source, claim)
    return source


def source_add_text(
    *, claim: Claim | None, title: str, text: str, user: AbstractBaseUser | None
) -> Source:
    text = source_text_clean(text=text, title=title)
    _require_claim_takes_sources(claim)
    with transaction.atomic():
        source = Source.objects.create(
            kind=SourceKind.TEXT, title=title.strip(), text=text, created_by=_user_or_none(user)
        )
        _attach(source, claim)
    return source


def source_text_clean(*, text: str, title: str) -> str:
    """Pasted source text in canonical form; a ValidationError if it or its title is missing."""
    text = anchoring.canonical_text(text)
    if not text.strip():
        raise ValidationError({"text": gettext("The pasted source has no text.")})
    if not title.strip():
        raise ValidationError(
            {
                "title": gettext(
                    "Pasted text needs a title saying where it comes from (a report, a ruling, "
                    "an email): it is the source's only name for reviewers and readers."
                )
            }
        )
    return text


def source_add_file(
    *, claim: Claim | None, uploaded, user: AbstractBaseUser | None, title: str = ""
) -> Source:
    _require_claim_takes_sources(claim)
    with transaction.atomic():
        source = Source.objects.create(
            kind=SourceKind.FILE,
            title=title.strip() or uploaded.name,
            file=uploaded,
            created_by=_user_or_none(user),
        )
        _attach(source, claim)
    return source


def _attach(source: Source, claim: Claim | None) -> None:
    # No claim: a source added on its own (the source admin allows it), attached later.
    if claim is not None:
        source.claims.add(claim)


def _user_or_none(user: AbstractBaseUser | None) -> AbstractBaseUser | None:
    return user if user is not None and user.is_authenticated else None


def article_update(
    *, article: Article, user: AbstractBaseUser | None, text: str | None = None, **fields
) -> ReanchorSummary | None:
    """Change an article's details; a new text re-anchors its claims (see article_update_text)."""
    language = fields.pop("language", None)
    allowed = {"title", "url", "publisher", "published_at"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(
            {field: gettext("This field cannot be changed.") for field in unknown}
        )
    if "title" in fields and not str(fields["title"]).strip():
        raise ValidationError({"title": gettext("The article needs a title.")})
    if fields:
        Article.objects.filter(pk=article.pk).update(**fields, updated_at=timezone.now())
    if language is not None:
        article_language_set(article=article, language=language)
    if text is None:
        return None
    return article_update_text(article=article, text=text, user=user)


def _claim_status_changed(claim_id: int, from_status: str, to_status: str, at) -> None:
    """Announce a status change (or moved words: from == to) inside the caller's transaction.

    verification listens (annotations.core.events): it moves a published fact's `updated_at`
    when its claim leaves or reaches published or its selectors move, so clients syncing on
    `updated_at` see it, and webhooks send claim events; annotations need not import either.
    """
    events.announce(
        events.CLAIM_STATUS_CHANGED,
        claim_id=claim_id,
        from_status=from_status,
        to_status=to_status,
        at=at,
    )
