"""Publication: publish and retract facts, and keep a fact's `updated_at` in step with its claim."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from annotations.anchoring import canonical_text
from annotations.core.errors import TransitionError
from annotations.core.roles import (
    PERM_PUBLISH,
    PERM_RETRACT,
    permission_require,
)
from annotations.models import AnchorState, Claim, ClaimStatus
from annotations.services import claim_transition
from verification import events
from verification.facts import matching
from verification.models import (
    Fact,
)

S = ClaimStatus


def fact_publish(*, claim: Claim, publisher: AbstractBaseUser) -> Fact:
    """Publish the claim's latest verdict; the four-eyes rule keeps its reviewer from doing so."""
    permission_require(publisher, PERM_PUBLISH, "publish facts")
    review = claim.reviews.order_by("-created_at", "-id").first()
    if review is None:
        raise TransitionError(gettext("This claim has no verdict to publish; review it first."))
    if review.reviewer_id == publisher.pk and not settings.FACTDESK_SINGLE_PERSON_DESK:
        raise PermissionDenied(
            gettext("You gave this verdict, so someone else must publish it (four-eyes rule).")
        )
    if claim.anchor_state == AnchorState.ORPHANED:
        raise TransitionError(
            gettext(
                "The claim's words are no longer in the article (it was edited), so the fact "
                "would point at nothing; mark the words again in the current text as a new claim."
            )
        )
    with transaction.atomic():
        claim_transition(claim=claim, to_status=S.PUBLISHED, actor=publisher, reason="Published.")
        # A republished fact keeps its first publication date (ClaimReview's datePublished);
        # updated_at tells readers it changed.
        fact, _ = Fact.objects.update_or_create(
            claim=claim,
            create_defaults={
                "review": review,
                "published_by": publisher,
                "published_at": timezone.now(),
            },
            defaults={
                "review": review,
                "published_by": publisher,
                "retracted_at": None,
                "retracted_by": None,
                "retraction_reason": "",
            },
        )
        matching.fact_index(fact)
        events.fact_published(fact=fact)
    return fact


def fact_retract(*, fact: Fact, user: AbstractBaseUser, reason: str) -> Fact:
    """Retract a published fact; it stays visible, marked retracted with the reason.

    The four-eyes rule of publishing holds here too: whoever gave the verdict may not retract it.
    """
    permission_require(user, PERM_RETRACT, "retract facts")
    if fact.review.reviewer_id == user.pk and not settings.FACTDESK_SINGLE_PERSON_DESK:
        raise PermissionDenied(
            "You gave this verdict, so another publisher must retract it (four-eyes rule)."
        )
    if fact.retracted_at is not None:
        raise TransitionError(gettext("This fact is already retracted."))
    if not reason.strip():
        raise ValidationError(
            {"reason": gettext("Say why the fact is retracted; readers will see it.")}
        )
    with transaction.atomic():
        reason = canonical_text(reason)
        claim_transition(claim=fact.claim, to_status=S.RETRACTED, actor=user, reason=reason)
        fact.retracted_at = timezone.now()
        fact.retracted_by = user
        fact.retraction_reason = reason
        fact.save(update_fields=["retracted_at", "retracted_by", "retraction_reason", "updated_at"])
        matching.fact_unindex(fact)
        events.fact_retracted(fact=fact)
    return fact


def fact_touch_on_claim_status(claim_id: int, from_status: str, to_status: str, at) -> None:
    """Move the fact's `updated_at` when its claim leaves or reaches a public status, or when a
    published claim's words move in an edited article (from and to are then the same status).

    Leaving published (an article edit or a changed source sends it back to review) makes the
    fact `under_review`; reaching published or retracted ends that; a move changes the W3C
    annotation's selectors. Clients keeping copies in step take the newest `updated_at` as their
    next `updated_after`, so each must move it.
    """
    public = (S.PUBLISHED, S.RETRACTED)
    if from_status in public or to_status in public:
        Fact.objects.filter(claim_id=claim_id).update(updated_at=at)
