"""Deliveries to a real receiver on loopback: signed, retried, deduplicated, guarded, logged."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from tests import paths
from verification.sources import fetching
from verification.webhooks import delivery as http
from verification.webhooks import services
from verification.webhooks.models import (
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    Event,
    PayloadFormat,
    Subscription,
)

pytestmark = pytest.mark.django_db


def _emit(event_type="fact.published", data=None):
    return services.event_emit(event_type=event_type, data=lambda: data or {"fact": {"id": 1}})


def _time_passes(delivery_id) -> None:
    Delivery.objects.filter(pk=delivery_id).update(next_attempt_at=timezone.now())


def test_the_signature_matches_the_standard_webhooks_reference_example():
    # The example of the Standard Webhooks reference libraries (standard-webhooks/libraries).
    signature = http.sign(
        secret="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        webhook_id="msg_p5jXN8AQM9LWM0D4loKWxJek",
        timestamp=1614265330,
        body=b'{"test": 2432232314}',
    )
    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_a_new_secret_is_whsec_and_32_random_bytes_in_base64():
    import base64

    first, second = http.secret_generate(), http.secret_generate()
    assert first.startswith("whsec_") and first != second
    assert len(base64.b64decode(first.removeprefix("whsec_"))) == 32


def test_an_event_reaches_the_receiver_signed_with_its_id_type_time_and_object(
    subscription, receiver
):
    event = _emit(data={"fact": {"id": 7, "verdict": "false"}})
    delivery = event.deliveries.get()

    result = services.delivery_attempt(delivery_id=str(delivery.pk))

    assert result.status == DeliveryStatus.SUCCEEDED
    [request] = receiver.requests
    assert request["signature_ok"] is True
    assert request["headers"]["webhook-id"] == delivery.webhook_id
    assert request["headers"]["content-type"] == "application/json"
    body = json.loads(request["body"])
    assert body["id"] == event.public_id
    assert body["type"] == "fact.published"
    assert body["timestamp"].endswith("Z")
    assert body["data"] == {"fact": {"id": 7, "verdict": "false"}}
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and delivery.delivered_at is not None
    attempt = delivery.log.get()
    assert attempt.status_code == 200 and attempt.response_excerpt == "ok"
    assert attempt.latency_ms is not None and attempt.next_retry_at is None


def test_a_tampered_body_or_another_secret_fails_verification(subscription, receiver):
    from tests.verification.webhooks.receiver import verify

    _emit()
    services.delivery_attempt(delivery_id=str(Delivery.objects.get().pk))
    request = receiver.requests[0]
    assert verify(subscription.secret, request["headers"], request["body"])
    assert not verify(subscription.secret, request["headers"], request["body"] + b" ")
    assert not verify(http.secret_generate(), request["headers"], request["body"])


def test_a_repeated_task_for_a_delivered_delivery_sends_nothing_again(subscription, receiver):
    delivery = _emit().deliveries.get()
    services.delivery_attempt(delivery_id=str(delivery.pk))
    again = services.delivery_attempt(delivery_id=str(delivery.pk))
    assert again.sent is False and again.status == DeliveryStatus.SUCCEEDED
    assert len(receiver.requests) == 1


def test_a_redelivery_keeps_the_webhook_id_so_the_receiver_drops_the_duplicate(
    subscription, receiver
):
    delivery = _emit().deliveries.get()
    services.delivery_attempt(delivery_id=str(delivery.pk))
    services.delivery_redeliver(delivery=delivery)
    services.delivery_attempt(delivery_id=str(delivery.pk))

    ids = [r["headers"]["webhook-id"] for r in receiver.requests]
    assert ids == [delivery.webhook_id, delivery.webhook_id]
    assert all(r["signature_ok"] for r in receiver.requests)
    assert receiver.duplicates == 1 and len(receiver.accepted) == 1
    assert DeliveryAttempt.objects.filter(delivery=delivery).count() == 2


def test_events_delivered_out_of_order_each_verify_and_carry_their_own_time(subscription, receiver):
    first = _emit("claim.submitted", {"claim": {"id": 1, "status": "submitted"}})
    second = _emit("claim.needs_review", {"claim": {"id": 1, "status": "needs_review"}})
    # The later event reaches the receiver first, as it may with several workers.
    for event in (second, first):
        services.delivery_attempt(delivery_id=str(event.deliveries.get().pk))

    assert [r["signature_ok"] for r in receiver.requests] == [True, True]
    received = sorted(receiver.accepted.values(), key=lambda body: body["timestamp"])
    assert [b["type"] for b in received] == ["claim.submitted", "claim.needs_review"]
    assert len({r["headers"]["webhook-id"] for r in receiver.requests}) == 2


def test_a_receiver_answering_500_then_200_gets_the_event_once_it_recovers(subscription, receiver):
    receiver.script.append((500, b"database is down"))
    delivery = _emit().deliveries.get()

    first = services.delivery_attempt(delivery_id=str(delivery.pk))
    assert first.status == DeliveryStatus.PENDING
    assert 10 * 0.8 <= first.retry_in <= 10 * 1.2
    # Not due yet: an early redelivered message does nothing.
    assert services.delivery_attempt(delivery_id=str(delivery.pk)).sent is False
    _time_passes(delivery.pk)
    second = services.delivery_attempt(delivery_id=str(delivery.pk))

    assert second.status == DeliveryStatus.SUCCEEDED
    assert [r["headers"]["webhook-id"] for r in receiver.requests] == [delivery.webhook_id] * 2
    assert len(receiver.accepted) == 1
    log = list(DeliveryAttempt.objects.filter(delivery=delivery).order_by("attempted_at"))
    assert [a.status_code for a in log] == [500, 200]
    assert log[0].response_excerpt == "database is down"
    assert log[0].next_retry_at is not None and log[1].next_retry_at is None
    subscription.refresh_from_db()
    assert subscription.consecutive_failures == 0 and subscription.failing_since is None


def test_retries_back_off_exponentially_over_about_a_day(settings):
    delays = [services.retry_delay(n) for n in range(1, settings.FACTDESK_WEBHOOK_MAX_ATTEMPTS)]
    assert all(later > earlier for earlier, later in zip(delays[:5], delays[1:6], strict=True))
    assert 18 * 3600 < sum(delays) < 30 * 3600


def test_a_client_error_is_not_retried(subscription, receiver):
    receiver.script.append((400, b"unknown event"))
    delivery = _emit().deliveries.get()
    result = services.delivery_attempt(delivery_id=str(delivery.pk))
    assert result.status == DeliveryStatus.FAILED and result.retry_in is None
    assert Delivery.objects.get(pk=delivery.pk).last_error == "the receiver answered HTTP 400"


def test_a_redirect_is_not_followed(subscription, receiver):
    receiver.script.append((302, b""))
    delivery = _emit().deliveries.get()
    result = services.delivery_attempt(delivery_id=str(delivery.pk))
    assert result.status == DeliveryStatus.FAILED
    assert len(receiver.requests) == 1
    assert "redirects are not followed" in Delivery.objects.get(pk=delivery.pk).last_error


def test_a_410_gone_turns_the_subscription_off_and_says_why(subscription, receiver):
    receiver.script.append((410, b"gone"))
    _emit()
    services.delivery_attempt(delivery_id=str(Delivery.objects.get().pk))
    subscription.refresh_from_db()
    assert subscription.is_active is False
    assert "410 Gone" in subscription.disabled_reason
    assert _emit() is None  # a turned-off subscription gets no new events


def test_failing_without_a_success_for_the_whole_window_turns_the_subscription_off(
    subscription, receiver, settings
):
    settings.FACTDESK_WEBHOOK_DISABLE_AFTER_HOURS = 1.0
    receiver.script.extend([(503, b"busy")] * 2)
    delivery = _emit().deliveries.get()
    services.delivery_attempt(delivery_id=str(delivery.pk))
    subscription.refresh_from_db()
    assert subscription.is_active and subscription.consecutive_failures == 1
    Subscription.objects.filter(pk=subscription.pk).update(
        failing_since=timezone.now() - timedelta(hours=2)
    )
    _time_passes(delivery.pk)
    services.delivery_attempt(delivery_id=str(delivery.pk))

    subscription.refresh_from_db()
    assert subscription.is_active is False
    assert "2 tries in a row" in subscription.disabled_reason
    assert "HTTP 503" in subscription.disabled_reason


def test_a_delivery_to_a_turned_off_subscription_is_not_sent(subscription, receiver):
    delivery = _emit().deliveries.get()
    services.subscription_update(subscription=subscription, is_active=False)
    result = services.delivery_attempt(delivery_id=str(delivery.pk))
    assert result.status == DeliveryStatus.FAILED and receiver.requests == []


def test_an_internal_address_outside_the_allow_list_is_refused_and_logged(
    db, connect_attempts, settings
):
    settings.FACTDESK_WEBHOOK_ALLOWED_HOSTS = []
    # Made directly: the API and the admin refuse this address before it is ever stored.
    subscription = Subscription.objects.create(
        name="Intranet",
        target_url="http://10.0.0.5/hook",
        secret=http.secret_generate(),
        events=["fact.published"],
    )
    delivery = _emit().deliveries.get()
    result = services.delivery_attempt(delivery_id=str(delivery.pk))

    assert result.status == DeliveryStatus.FAILED
    attempt = delivery.log.get()
    assert attempt.status_code is None
    assert attempt.error == "refused: address 10.0.0.5 is internal"
    assert connect_attempts == []
    assert subscription.pk == delivery.subscription_id


def test_a_public_name_that_resolves_to_loopback_is_refused_after_dns(
    db, connect_attempts, monkeypatch, settings, receiver
):
    monkeypatch.setattr(fetching, "resolve_host", lambda host, port: ["127.0.0.1"])
    Subscription.objects.create(
        name="Rebinding",
        target_url=f"http://hooks.example.org:{receiver.port}/hook",
        secret=http.secret_generate(),
        events=["fact.published"],
    )
    delivery = _emit().deliveries.get()
    services.delivery_attempt(delivery_id=str(delivery.pk))

    assert delivery.log.get().error == "refused: address 127.0.0.1 is internal"
    assert connect_attempts == [] and receiver.requests == []


def test_the_allow_list_names_a_host_and_port_not_a_whole_machine(db, receiver, settings):
    settings.FACTDESK_WEBHOOK_ALLOWED_HOSTS = [f"127.0.0.1:{receiver.port + 1}"]
    Subscription.objects.create(
        name="Other port",
        target_url=receiver.url(),
        secret=http.secret_generate(),
        events=["fact.published"],
    )
    delivery = _emit().deliveries.get()
    services.delivery_attempt(delivery_id=str(delivery.pk))
    assert delivery.log.get().error == "refused: address 127.0.0.1 is internal"


def test_metadata_addresses_stay_refused_even_when_allow_listed(db, settings, connect_attempts):
    settings.FACTDESK_WEBHOOK_ALLOWED_HOSTS = ["169.254.169.254:80"]
    Subscription.objects.create(
        name="Metadata",
        target_url="http://169.254.169.254/latest/",
        secret=http.secret_generate(),
        events=["fact.published"],
    )
    delivery = _emit().deliveries.get()
    services.delivery_attempt(delivery_id=str(delivery.pk))
    assert "cloud metadata" in delivery.log.get().error
    assert connect_attempts == []


def test_a_long_answer_is_cut_to_the_size_limit_and_an_excerpt(subscription, receiver, settings):
    receiver.script.append((500, b"x" * 200_000))
    delivery = _emit().deliveries.get()
    services.delivery_attempt(delivery_id=str(delivery.pk))
    assert len(delivery.log.get().response_excerpt) == 500


def test_a_slack_subscription_gets_a_message_with_the_claim_verdict_and_link(
    subscription, receiver
):
    services.subscription_update(subscription=subscription, payload_format=PayloadFormat.SLACK)
    fact = {
        "id": 3,
        "claim": "The bridge cost <b>56</b> million & more.",
        "verdict": "mostly_false",
        "retraction_reason": "",
        "links": {"self": "http://desk.example/api/v1/facts/3/"},
    }
    delivery = _emit(data={"fact": fact}).deliveries.get()
    services.delivery_attempt(delivery_id=str(delivery.pk))

    [request] = receiver.requests
    assert request["signature_ok"]
    text = json.loads(request["body"])["text"]
    assert "*Fact published*" in text
    assert "“The bridge cost &lt;b&gt;56&lt;/b&gt; million &amp; more.”" in text
    assert "Verdict: *mostly false*" in text
    assert "<http://desk.example/api/v1/facts/3/|Open in Factdesk>" in text


def test_nothing_is_stored_when_no_subscription_wants_the_event(db):
    built = []
    assert services.event_emit(event_type="fact.published", data=lambda: built.append(1)) is None
    assert built == [] and Event.objects.count() == 0


def test_only_subscriptions_wanting_the_event_get_a_delivery(subscription, receiver):
    other = services.subscription_create(
        name="Chat", target_url=receiver.url("/chat"), events=["fact.retracted"]
    )
    event = _emit("fact.published")
    assert list(event.deliveries.values_list("subscription", flat=True)) == [subscription.pk]
    assert other.deliveries.count() == 0


def test_deliveries_are_enqueued_only_after_the_transaction_commits(
    subscription, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr(services, "_enqueue", lambda ids: sent.extend(ids))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        event = _emit()
        assert sent == []
    assert len(callbacks) == 1
    assert sent == [str(event.deliveries.get().pk)]


def test_the_sweeper_enqueues_due_deliveries_it_finds_unheld(subscription, monkeypatch):
    sent = []
    monkeypatch.setattr(services, "_enqueue", lambda ids: sent.extend(ids))
    delivery = _emit().deliveries.get()
    assert services.deliveries_sweep() == 0  # just created: its message is in the queue
    Delivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - timedelta(minutes=5)
    )
    assert services.deliveries_sweep() == 1
    assert sent == [str(delivery.pk)]


def test_the_readmes_verification_snippet_accepts_a_real_delivery_and_refuses_a_forgery(
    subscription, receiver
):

    readme = (paths.ROOT / "README.md").read_text()
    snippet = readme.split("```python\nimport base64, hashlib, hmac, time\n", 1)[1]
    namespace: dict = {}
    exec("import base64, hashlib, hmac, time\n" + snippet.split("```", 1)[0], namespace)  # noqa: S102
    verified = namespace["verified"]

    services.delivery_attempt(delivery_id=str(_emit().deliveries.get().pk))
    [request] = receiver.requests
    assert verified(subscription.secret, request["headers"], request["body"]) is True
    assert verified(subscription.secret, request["headers"], request["body"][:-1]) is False
    stale = dict(request["headers"], **{"webhook-timestamp": "1614265330"})
    assert verified(subscription.secret, stale, request["body"]) is False


def test_old_events_are_forgotten_but_never_while_a_delivery_is_pending(subscription, receiver):
    delivered = _emit().deliveries.get()
    services.delivery_attempt(delivery_id=str(delivered.pk))
    pending = _emit().deliveries.get()
    recent = _emit()
    long_ago = timezone.now() - timedelta(days=40)
    Event.objects.exclude(pk=recent.pk).update(created_at=long_ago)

    assert services.events_prune(keep_days=30) == 1

    assert not Event.objects.filter(pk=delivered.event_id).exists()
    assert not DeliveryAttempt.objects.filter(delivery_id=delivered.pk).exists()
    assert set(Event.objects.values_list("pk", flat=True)) == {pending.event_id, recent.pk}
