"""A webhook whose worker is killed mid-delivery is delivered by another, with the same id.

A real Celery worker on a throwaway Redis sends to a real receiver on loopback, reachable
through the allow-list. The receiver holds the first request until the test has killed the
worker sending it, so the delivery is neither recorded nor acknowledged.
"""

import json

import pytest

from tests.integration.processes import (
    kill_worker,
    manage_snippet,
    service_env,
    start_worker,
    wait_for,
)
from tests.verification.webhooks.receiver import Receiver
from verification.webhooks import services
from verification.webhooks.models import Delivery, DeliveryStatus

pytestmark = [pytest.mark.redis, pytest.mark.integration, pytest.mark.django_db(transaction=True)]

EMIT = """
from verification.webhooks import services
services.event_emit(event_type="fact.published", data=lambda: {"fact": {"id": 42}})
"""


def test_a_worker_killed_mid_delivery_still_delivers_with_the_same_webhook_id(
    broker, workers, tmp_path, settings
):
    with Receiver() as receiver:
        settings.FACTDESK_WEBHOOK_ALLOWED_HOSTS = [receiver.host_port]
        subscription = services.subscription_create(
            name="CMS", target_url=receiver.url(), events=["fact.published"]
        )
        receiver.secret = subscription.secret
        receiver.hold.set()
        env = service_env(
            broker.url,
            FACTDESK_WEBHOOK_ALLOWED_HOSTS=receiver.host_port,
            FACTDESK_WEBHOOK_TIMEOUT_SECONDS="5",
            # Hard limit 20 s → visibility timeout 30 s; the restore scan every 2 s.
            FACTDESK_TASK_TIME_LIMIT_SECONDS="20",
            FACTDESK_BROKER_RESTORE_INTERVAL_SECONDS="2",
        )
        first = start_worker(env, name="first", log=tmp_path / "first.log")
        workers.append(first)
        manage_snippet(EMIT, env)
        assert receiver.holding.wait(60), "the first worker never sent the webhook"

        kill_worker(first)
        receiver.release.set()  # the receiver answers a worker that is gone
        delivery = Delivery.objects.get()
        assert delivery.status == DeliveryStatus.PENDING
        workers.append(start_worker(env, name="second", log=tmp_path / "second.log"))

        assert wait_for(lambda: Delivery.objects.get().status == DeliveryStatus.SUCCEEDED, 90), (
            tmp_path / "second.log"
        ).read_text(errors="replace")[-3000:]
        ids = [r["headers"]["webhook-id"] for r in receiver.requests]
        assert ids == [delivery.webhook_id, delivery.webhook_id]
        assert all(r["signature_ok"] for r in receiver.requests)
        assert receiver.duplicates == 1
        [body] = receiver.accepted.values()
        assert body["data"] == {"fact": {"id": 42}}
        assert json.loads(delivery.event.body)["id"] == body["id"]
        delivery.refresh_from_db()
        assert delivery.attempts == 1  # the killed try was never recorded
        assert delivery.log.get().status_code == 200
