"""Every write of the webhooks app: subscriptions, emitting events, delivering them.

Delivery is at least once: an event is stored with one Delivery per subscription in the
transaction that caused it, and the deliveries are enqueued after that transaction commits.
A delivery keeps its id (the `webhook-id` header) on every try, so a receiver drops duplicates.
"""

from __future__ import annotations

import json
import logging
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext

from verification.webhooks import delivery as http
from verification.webhooks.models import (
    SUBSCRIBABLE_EVENTS,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    Event,
    EventType,
    PayloadFormat,
    Subscription,
)
from verification.webhooks.payloads import slack_message

logger = logging.getLogger(__name__)

DELIVERY_TASK = "verification.webhooks.tasks.webhook_delivery_task"


# --- Subscriptions ------------------------------------------------------------------------


def subscription_target_refusal(url: str) -> str | None:
    """Why a target URL cannot be used, as far as that shows before DNS is asked, or None."""
    from verification.sources.fetching import FetchPolicy, url_refusal

    allowed = http.host_port(url) in allowed_hosts()
    return url_refusal(url, FetchPolicy(allow_private_addresses=allowed))


def subscription_validate(*, target_url: str, events: list[str], payload_format: str) -> list[str]:
    """Check a receiver's settings; return its events in a stable order or raise ValidationError."""
    errors = {}
    refusal = subscription_target_refusal(target_url)
    if refusal:
        errors["target_url"] = refusal
    unknown = sorted(set(events) - set(SUBSCRIBABLE_EVENTS))
    if unknown:
        errors["events"] = gettext("Unknown event types: %(events)s.") % {
            "events": ", ".join(unknown)
        }
    elif not events:
        errors["events"] = gettext("Choose at least one event.")
    if payload_format not in PayloadFormat.values:
        errors["payload_format"] = gettext("Not a payload format: %(format)s.") % {
            "format": payload_format
        }
    if errors:
        raise ValidationError(errors)
    # The order of SUBSCRIBABLE_EVENTS, without repeats, so equal choices compare equal.
    return [e for e in SUBSCRIBABLE_EVENTS if e in events]


def subscription_create(
    *,
    name: str,
    target_url: str,
    events: list[str],
    payload_format: str = PayloadFormat.STANDARD,
    is_active: bool = True,
    user=None,
) -> Subscription:
    """Add a receiver with a new signing secret."""
    events = subscription_validate(
        target_url=target_url, events=events, payload_format=payload_format
    )
    return Subscription.objects.create(
        name=name,
        target_url=target_url,
        secret=http.secret_generate(),
        events=events,
        payload_format=payload_format,
        is_active=is_active,
        created_by=user,
    )


def subscription_update(*, subscription: Subscription, **changes) -> Subscription:
    """Change a receiver; turning it back on forgets why it was turned off."""
    allowed = {"name", "target_url", "events", "payload_format", "is_active"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"subscription_update got unknown fields: {sorted(unknown)}")
    for field, value in changes.items():
        setattr(subscription, field, value)
    subscription.events = subscription_validate(
        target_url=subscription.target_url,
        events=subscription.events,
        payload_format=subscription.payload_format,
    )
    if changes.get("is_active"):
        subscription.disabled_reason = ""
        subscription.disabled_at = None
        subscription.failing_since = None
        subscription.consecutive_failures = 0
    subscription.save()
    return subscription


def subscription_secret_rotate(*, subscription: Subscription) -> Subscription:
    """Give the receiver a new secret; the old one stops working at once."""
    subscription.secret = http.secret_generate()
    subscription.save(update_fields=["secret", "updated_at"])
    return subscription


def subscription_delete(*, subscription: Subscription) -> None:
    """Remove a receiver with its delivery log; queued deliveries to it find nothing to do."""
    subscription.delete()


def _subscription_disable(subscription_id: int, reason: str, now) -> None:
    Subscription.objects.filter(pk=subscription_id, is_active=True).update(
        is_active=False, disabled_reason=reason[:1000], disabled_at=now, updated_at=now
    )
    logger.warning("Webhook subscription %s disabled: %s", subscription_id, reason)


# --- Events ---------------------------------------------------------------------------------


def event_emit(
    *,
    event_type: str,
    data: Callable[[], dict | None],
    only: Subscription | None = None,
    dedupe_key: str | None = None,
) -> Event | None:
    """Store an event for every active subscription that wants it; deliver after commit.

    `data` is called only when someone wants the event, so emitting costs one small query on a
    desk without subscriptions. Call it inside the transaction that makes the change: if that
    rolls back, no event is sent.
    """
    if only is not None:
        subscriptions = [only]
    else:
        # Subscriptions are few; SQLite cannot search inside a JSON list, so filter here.
        subscriptions = [
            s for s in Subscription.objects.filter(is_active=True) if s.wants(event_type)
        ]
    if not subscriptions:
        return None
    if dedupe_key is not None:
        existing = Event.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
    payload = data()
    if payload is None:
        return None
    now = timezone.now()
    event = Event(id=uuid.uuid4(), type=event_type, dedupe_key=dedupe_key)
    envelope = {
        "id": event.public_id,
        "type": event_type,
        "timestamp": now.isoformat().replace("+00:00", "Z"),
        "data": payload,
    }
    event.body = json.dumps(envelope, cls=DjangoJSONEncoder, ensure_ascii=False)
    with transaction.atomic():
        event.save()
        deliveries = Delivery.objects.bulk_create(
            Delivery(id=uuid.uuid4(), subscription=s, event=event, next_attempt_at=now)
            for s in subscriptions
        )
    ids = [str(d.id) for d in deliveries]
    transaction.on_commit(lambda: _enqueue(ids), robust=True)
    return event


def subscriptions_want(event_type: str) -> bool:
    return any(s.wants(event_type) for s in Subscription.objects.filter(is_active=True))


def claim_factcheck_match(*, claim_id: int) -> Event | None:
    """Emit `factcheck.matched` when the fact-check library knows checks close to this claim.

    Run by a task after a claim is submitted (matching encodes the text, too slow for the
    submit's transaction). Once per submission: a repeated task finds the event it emitted.
    """
    from annotations.models import Claim, ClaimStatus, ClaimTransition
    from verification.library.api import match_payload
    from verification.library.matching import library_match
    from verification.webhooks.payloads import SiteRequest, claim_data

    claim = Claim.objects.prefetch_related("tags").filter(pk=claim_id).first()
    submitted = (
        ClaimTransition.objects.filter(claim_id=claim_id, to_status=ClaimStatus.SUBMITTED)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    if claim is None or submitted is None:
        return None
    matches = [
        m
        for m in library_match(
            claim.text, limit=3, min_score=settings.FACTDESK_WEBHOOK_MATCH_MIN_SCORE
        )
        if m.fact is None or m.fact.claim_id != claim.pk
    ]
    if not matches:
        return None
    request = SiteRequest()
    return event_emit(
        event_type=EventType.FACTCHECK_MATCHED,
        dedupe_key=f"factcheck.matched:submission:{submitted}",
        data=lambda: {
            "claim": claim_data(claim),
            "matches": [match_payload(m, request) for m in matches],
        },
    )


def subscription_send_test(*, subscription: Subscription) -> Delivery:
    """Send a `webhook.test` event to this one receiver, whatever events it chose."""
    event = event_emit(
        event_type=EventType.TEST,
        only=subscription,
        data=lambda: {
            "message": "A test event from Factdesk: your endpoint is set up.",
            "subscription": subscription.pk,
        },
    )
    return event.deliveries.get()


def delivery_redeliver(*, delivery: Delivery) -> Delivery:
    """Send a delivery again now, with the same id (a receiver that saw it may drop it)."""
    now = timezone.now()
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.PENDING, next_attempt_at=now, locked_until=None, attempts=0
    )
    ids = [str(delivery.pk)]
    transaction.on_commit(lambda: _enqueue(ids), robust=True)
    delivery.refresh_from_db()
    return delivery


def _enqueue(delivery_ids: list[str]) -> None:
    from verification.enqueue import enqueue_now

    for delivery_id in delivery_ids:
        enqueue_now(
            DELIVERY_TASK,
            delivery_id,
            what=f"webhook delivery {delivery_id}",
            if_lost="the webhook sweeper will send it",
        )


# --- Delivery -------------------------------------------------------------------------------


def allowed_hosts() -> frozenset[str]:
    return frozenset(h.lower() for h in settings.FACTDESK_WEBHOOK_ALLOWED_HOSTS)


def delivery_policy() -> http.DeliveryPolicy:
    return http.DeliveryPolicy(
        timeout_seconds=settings.FACTDESK_WEBHOOK_TIMEOUT_SECONDS,
        max_response_bytes=settings.FACTDESK_WEBHOOK_MAX_RESPONSE_BYTES,
        allowed_hosts=allowed_hosts(),
    )


def retry_delay(attempts: int) -> float:
    """Seconds to wait after the `attempts`-th failed try: ×4 each time, jittered, capped at 10 h.

    With the default base of 10 s and 9 tries the retries span about a day (10 s, 40 s, 2.7 min,
    11 min, 43 min, 2.8 h, 10 h, 10 h). The project's other backoff (check runs) is capped
    below the broker's visibility timeout, far short of a day, so delays this long are not
    Celery countdowns: the delivery stores when it is due and the sweeper enqueues it then.
    """
    base = settings.FACTDESK_WEBHOOK_RETRY_BASE_SECONDS * 4 ** max(attempts - 1, 0)
    return min(base, 10 * 3600.0) * random.uniform(0.8, 1.2)  # noqa: S311 - jitter


@dataclass(frozen=True)
class AttemptResult:
    """What `delivery_attempt` did: `retry_in` is set when another try is scheduled."""

    delivery_id: str
    sent: bool
    status: str
    retry_in: float | None = None


def delivery_attempt(*, delivery_id: str) -> AttemptResult:
    """Try one delivery if it is pending, due and not being sent by another worker.

    Safe to call any number of times for the same id: a delivered or failed delivery is left
    alone, and the hold taken here keeps two workers from sending it at the same time.
    """
    now = timezone.now()
    policy = delivery_policy()
    hold_until = now + timedelta(seconds=policy.timeout_seconds + 5)
    # The clocks of the web and worker machines differ a little; a second early is still due.
    claimed = (
        Delivery.objects.filter(
            pk=delivery_id,
            status=DeliveryStatus.PENDING,
            next_attempt_at__lte=now + timedelta(seconds=1),
        )
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .update(locked_until=hold_until)
    )
    if claimed != 1:
        status = Delivery.objects.filter(pk=delivery_id).values_list("status", flat=True).first()
        return AttemptResult(delivery_id, sent=False, status=status or "missing")
    delivery = Delivery.objects.select_related("subscription", "event").get(pk=delivery_id)
    subscription = delivery.subscription
    if not subscription.is_active:
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED,
            locked_until=None,
            last_error="Not sent: the subscription is turned off.",
        )
        return AttemptResult(delivery_id, sent=False, status=DeliveryStatus.FAILED)
    body = delivery.event.body.encode()
    if subscription.payload_format == PayloadFormat.SLACK:
        body = json.dumps(slack_message(json.loads(body)), ensure_ascii=False).encode()
    attempted_at = timezone.now()
    outcome = http.send(
        url=subscription.target_url,
        webhook_id=delivery.webhook_id,
        secret=subscription.secret,
        body=body,
        policy=policy,
    )
    return _attempt_record(delivery, outcome, attempted_at)


def _attempt_record(delivery: Delivery, outcome: http.Outcome, attempted_at) -> AttemptResult:
    now = timezone.now()
    subscription = delivery.subscription
    attempts = delivery.attempts + 1
    retry_in = None
    if outcome.ok:
        status = DeliveryStatus.SUCCEEDED
    elif outcome.transient and attempts < settings.FACTDESK_WEBHOOK_MAX_ATTEMPTS:
        status = DeliveryStatus.PENDING
        retry_in = retry_delay(attempts)
    else:
        status = DeliveryStatus.FAILED
    next_at = now + timedelta(seconds=retry_in) if retry_in is not None else None
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            delivery=delivery,
            attempted_at=attempted_at,
            status_code=outcome.status,
            latency_ms=outcome.latency_ms,
            response_excerpt=outcome.excerpt,
            error=outcome.error,
            next_retry_at=next_at,
        )
        Delivery.objects.filter(pk=delivery.pk).update(
            status=status,
            attempts=attempts,
            next_attempt_at=next_at,
            locked_until=None,
            last_status_code=outcome.status,
            last_error=outcome.error,
            delivered_at=now if outcome.ok else None,
        )
        if outcome.ok:
            # Only a subscription that was failing needs the write (most deliveries skip it).
            Subscription.objects.filter(
                Q(consecutive_failures__gt=0) | Q(failing_since__isnull=False), pk=subscription.pk
            ).update(consecutive_failures=0, failing_since=None)
        else:
            _failure_count(subscription, outcome, now)
    return AttemptResult(str(delivery.pk), sent=True, status=status, retry_in=retry_in)


def _failure_count(subscription: Subscription, outcome: http.Outcome, now) -> None:
    Subscription.objects.filter(pk=subscription.pk).update(
        consecutive_failures=F("consecutive_failures") + 1
    )
    Subscription.objects.filter(pk=subscription.pk, failing_since__isnull=True).update(
        failing_since=now
    )
    if outcome.status == 410:
        _subscription_disable(
            subscription.pk, "The receiver answered 410 Gone: it no longer wants these events.", now
        )
        return
    row = Subscription.objects.filter(pk=subscription.pk).values(
        "failing_since", "consecutive_failures"
    )[0]
    limit = timedelta(hours=settings.FACTDESK_WEBHOOK_DISABLE_AFTER_HOURS)
    if row["failing_since"] <= now - limit:
        _subscription_disable(
            subscription.pk,
            f"Every delivery failed since {row['failing_since']:%Y-%m-%d %H:%M} UTC "
            f"({row['consecutive_failures']} tries in a row); last: {outcome.error}",
            now,
        )


def events_prune(*, keep_days: float) -> int:
    """Delete events (with their deliveries and log) older than `keep_days` and not pending."""
    cutoff = timezone.now() - timedelta(days=keep_days)
    old = Event.objects.filter(created_at__lt=cutoff).exclude(
        deliveries__status=DeliveryStatus.PENDING
    )
    # Batches: a desk that kept a year of events must not delete them in one long transaction.
    ids = list(old.values_list("pk", flat=True)[:5000])
    Event.objects.filter(pk__in=ids).delete()
    return len(ids)


def deliveries_sweep(*, grace_seconds: float = 30.0) -> int:
    """Enqueue pending deliveries that are due (long retries, lost messages); return how many.

    A delivery due for less than `grace_seconds` most likely has its message in the queue
    already; sending a second message would be harmless (the hold), only wasteful.
    """
    now = timezone.now()
    ids = [
        str(pk)
        for pk in Delivery.objects.filter(
            status=DeliveryStatus.PENDING,
            next_attempt_at__lte=now - timedelta(seconds=grace_seconds),
        )
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .values_list("pk", flat=True)[:1000]
    ]
    _enqueue(ids)
    return len(ids)
