"""The webhook events: one listener each for what the desk's services announce
(verification.events, registered in apps.py), called inside the transaction of the change.

Each builds its payload only when a subscription wants the event (see services.event_emit).
"""

from __future__ import annotations

from verification.enqueue import enqueue_on_commit
from verification.webhooks import payloads
from verification.webhooks.models import EventType
from verification.webhooks.services import event_emit, subscriptions_want

FACTCHECK_MATCH_TASK = "verification.webhooks.tasks.claim_factcheck_match_task"


def _claim(claim_id: int):
    from annotations.models import Claim

    return Claim.objects.prefetch_related("tags").get(pk=claim_id)


def claim_status_changed(claim_id: int, from_status: str, to_status: str, at) -> None:
    """Listener for annotations' CLAIM_STATUS_CHANGED: submitted and needs review."""
    from annotations.models import ClaimStatus

    if from_status == to_status:
        return  # an update that is not a transition (the claim's words moved)
    event_type = {
        ClaimStatus.SUBMITTED: EventType.CLAIM_SUBMITTED,
        ClaimStatus.NEEDS_REVIEW: EventType.CLAIM_NEEDS_REVIEW,
    }.get(to_status)
    if event_type is not None:
        event_emit(
            event_type=event_type,
            data=lambda: {"claim": payloads.claim_data(_claim(claim_id))},
        )
    if to_status == ClaimStatus.SUBMITTED and subscriptions_want(EventType.FACTCHECK_MATCHED):
        enqueue_on_commit(
            FACTCHECK_MATCH_TASK,
            claim_id,
            what=f"fact-check matching of claim {claim_id}",
            if_lost="no factcheck.matched event is sent for this submission",
        )


def check_finished(*, run) -> None:
    """A run succeeded or failed; its row is read again, since services update it in place."""

    def data():
        from verification.models import CheckRun

        fresh = CheckRun.objects.get(pk=run.pk)
        return {
            "check": payloads.check_run_data(fresh),
            "claim": payloads.claim_data(_claim(fresh.claim_id)),
        }

    event_emit(event_type=EventType.CHECK_FINISHED, data=data)


def review_recorded(*, review) -> None:
    event_emit(
        event_type=EventType.REVIEW_RECORDED,
        data=lambda: {
            "review": payloads.review_data(review),
            "claim": payloads.claim_data(_claim(review.claim_id)),
        },
    )


def _fact_event(event_type: str, fact_id: int) -> None:
    def data():
        fact = payloads.fact_data(fact_id)
        return {"fact": fact} if fact is not None else None

    event_emit(event_type=event_type, data=data)


def fact_published(*, fact) -> None:
    _fact_event(EventType.FACT_PUBLISHED, fact.pk)


def fact_retracted(*, fact) -> None:
    _fact_event(EventType.FACT_RETRACTED, fact.pk)


def source_changed(*, source, fact, change: str, note: str) -> None:
    """A re-check found a cited source changed or gone: `change` is the fact's new flag."""

    def data():
        return {
            "source": payloads.source_data(source),
            "fact": payloads.fact_data(fact.pk),
            "change": change,
            "note": note,
        }

    event_emit(event_type=EventType.SOURCE_CHANGED, data=data)
